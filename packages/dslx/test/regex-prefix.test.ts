import t from 'tap';
import { regexLiteralPrefix } from '../src/regex-prefix.ts';
import { compileSafeRegex } from '../src/safe-regex.ts';

const cases: Array<[string, string | null]> = [
  ['^/api/v[0-9]+', '/api/v'],
  ['^/img/1/[a-z]+\\.png$', '/img/1/'],
  ['^/a\\.b/c', '/a.b/c'],
  ['^/ab?c', '/a'],
  ['^/ab*', '/a'],
  ['^/ab{2}', '/a'],
  ['^/ab+c', '/ab'],
  ['^/a(b|c)', '/a'],
  ['^/a|/b', null],
  ['^/a[|]b', '/a'],
  ['^/a(?:x|y)|z', null],
  ['/api', null],
  ['^\\d+', null],
  ['^(?i)/api', null],
  ['^', null],
  ['^/path\\/', '/path/'],
  ['^.*', null],
];

t.test('literal prefix of anchored regexes', async (t) => {
  for (const [pattern, want] of cases) t.equal(regexLiteralPrefix(pattern), want, pattern);
});

t.test('the prefix is necessary: every string the regex matches starts with it', async (t) => {
  const samples = [
    '/api/v1',
    '/img/1/a.png',
    '/a.b/c',
    '/ac',
    '/abc',
    '/abbc',
    '/ab',
    '/a',
    '/b',
    '/path/',
    '/abb',
    '/ax',
  ];
  for (const [pattern, prefix] of cases) {
    if (prefix === null) continue;
    const re = compileSafeRegex(pattern);
    for (const s of samples) if (re.test(s)) t.ok(s.startsWith(prefix), `${pattern} matched ${s}`);
  }
});
