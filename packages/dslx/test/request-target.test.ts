import t from 'tap';
import { normalizeHost, normalizePath, splitTarget } from '../src/request-target.ts';

t.test('splitTarget', async (t) => {
  t.same(splitTarget('/a/b?x=1'), { authority: undefined, path: '/a/b', query: 'x=1' });
  t.same(splitTarget('/a'), { authority: undefined, path: '/a', query: undefined });
  t.same(splitTarget('http://h.com:80/a?q'), { authority: 'h.com:80', path: '/a', query: 'q' });
  t.same(splitTarget('http://user@h.com'), { authority: 'h.com', path: '/', query: undefined });
  t.same(splitTarget('https://h.com?q'), { authority: 'h.com', path: '/', query: 'q' });
  t.same(splitTarget('*'), { authority: undefined, path: '/*', query: undefined });
});

t.test('normalizeHost is nginx $host', async (t) => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['A.Example.COM', 'a.example.com'],
    ['a.com:8080', 'a.com'],
    ['a.com.', 'a.com'],
    ['a.com.:80', 'a.com'],
    ['[::1]:8080', '[::1]'],
    ['', undefined],
    [undefined, undefined],
    [':80', undefined],
  ];
  for (const [input, want] of cases) t.equal(normalizeHost(input), want, String(input));
});

t.test('normalizePath is nginx $uri', async (t) => {
  const cases: Array<[string, string]> = [
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['/a//b', '/a/b'],
    ['//a', '/a'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/..', '/'],
    ['/../../a', '/a'],
    ['/a%20b', '/a b'],
    ['/a%2Fb', '/a/b'],
    ['/a%2e%2e/b', '/a../b'],
    ['/a/%2e%2e/b', '/b'],
    ['/%E4%BD%A0', '/你'],
    ['/100%', '/100%'],
    ['/a%zzb', '/a%zzb'],
    ['/a/', '/a/'],
  ];
  for (const [input, want] of cases) t.equal(normalizePath(input), want, input);
});
