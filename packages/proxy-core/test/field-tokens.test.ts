// Connection tokens of a head: every line, split, trimmed and lower-cased; the common single tokens shared.
import t from 'tap';
import { fieldTokens, parseHeaderFields, type HeaderFields } from '../src/http/header-fields.ts';

function tokensOf(lines: string[]): readonly string[] | null {
  const buf = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
  const fields = parseHeaderFields(buf, 0, buf.length, 100, false) as HeaderFields;
  return fieldTokens(buf, fields, 'connection');
}

t.test('fieldTokens', async (t) => {
  const table = [
    { name: 'absent', input: ['Host: a'], want: null },
    { name: 'keep-alive', input: ['Connection: keep-alive'], want: ['keep-alive'] },
    { name: 'close', input: ['Connection: close'], want: ['close'] },
    { name: 'case and spaces', input: ['Connection:  Keep-Alive '], want: ['keep-alive'] },
    { name: 'a list', input: ['Connection: upgrade, X-Foo'], want: ['upgrade', 'x-foo'] },
    { name: 'two lines', input: ['Connection: keep-alive', 'Connection: Upgrade'], want: ['keep-alive', 'upgrade'] },
    {
      name: 'three lines',
      input: ['Connection: close', 'X: y', 'connection: a', 'Connection: b'],
      want: ['close', 'a', 'b'],
    },
    { name: 'empty members dropped', input: ['Connection: , close,'], want: ['close'] },
    { name: 'near misses of the shared answers', input: ['Connection: keep-alive2'], want: ['keep-alive2'] },
    { name: 'a longer value', input: ['Connection: closed'], want: ['closed'] },
    { name: 'a shorter value', input: ['Connection: clos'], want: ['clos'] },
    { name: 'Close in another case', input: ['Connection: Close'], want: ['close'] },
  ];
  for (const { name, input, want } of table) t.same(tokensOf(input), want, name);
});

t.test('the shared single-token answers cannot be changed by a caller', async (t) => {
  const shared = tokensOf(['Connection: keep-alive']) as string[];
  t.throws(() => shared.push('close'));
  t.same(tokensOf(['Connection: keep-alive']), ['keep-alive']);
  t.not(tokensOf(['Connection: keep-alive', 'Connection: close']), shared, 'a merged list is its own array');
});
