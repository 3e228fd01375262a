// The check every generated head line passes (`HeadBuilder.field` and the predicates behind it), as a table.
import t from 'tap';
import { HeadBuilder } from '../src/http/head-builder.ts';
import { fieldValueBytes, isFieldName, isHost, isRequestTarget } from '../src/http/head-bytes.ts';

type Case = { name: string; input: string; want: string | null };

const values: Case[] = [
  { name: 'plain text', input: 'text/html; q=0.9', want: 'text/html; q=0.9' },
  { name: 'empty', input: '', want: '' },
  { name: 'HTAB inside', input: 'a\tb', want: 'a\tb' },
  { name: 'obs-text (latin1)', input: 'caf\xe9', want: 'caf\xe9' },
  { name: 'CR', input: 'a\rb', want: null },
  { name: 'LF', input: 'a\nb', want: null },
  { name: 'CRLF then a line', input: 'a\r\nX-Injected: yes', want: null },
  { name: 'NUL', input: 'a\0b', want: null },
  { name: 'other control (0x01)', input: 'a\x01b', want: null },
  { name: 'DEL', input: 'a\x7fb', want: null },
  { name: 'U+010A (LF in its low byte) becomes UTF-8', input: 'x\u010ay', want: 'x\xc4\x8ay' },
  { name: 'U+0D0A becomes UTF-8, no CR or LF byte', input: '\u0d0a', want: '\xe0\xb4\x8a' },
  { name: 'non-latin1 with a real LF is refused', input: '\u4e2d\n', want: null },
  { name: 'emoji as UTF-8', input: '\u{1f600}', want: '\xf0\x9f\x98\x80' },
];

t.test('fieldValueBytes: the bytes to write, or null', async (t) => {
  for (const c of values) t.equal(fieldValueBytes(c.input), c.want, c.name);
});

const names: Array<{ input: string; want: boolean }> = [
  { input: 'X-Forwarded-For', want: true },
  { input: "!#$%&'*+-.^_`|~09az", want: true },
  { input: '', want: false },
  { input: 'X A', want: false },
  { input: 'X-A:', want: false },
  { input: 'X-A\r\nX-B', want: false },
  { input: 'X\0', want: false },
  { input: 'caf\xe9', want: false },
  { input: '\u010a', want: false },
];

t.test('isFieldName: tokens only', async (t) => {
  for (const c of names) t.equal(isFieldName(c.input), c.want, JSON.stringify(c.input));
});

t.test('isRequestTarget and isHost', async (t) => {
  for (const [target, want] of [
    ['/a/b?c=%0d%0a', true],
    ['*', true],
    ['', false],
    ['/a b', false],
    ['/a\r\nX: y', false],
    ['/\xe9', false],
  ] as const)
    t.equal(isRequestTarget(target), want, `target ${JSON.stringify(target)}`);
  for (const [host, want] of [
    ['example.com:8080', true],
    ['[::1]:80', true],
    ['', false],
    ['a b', false],
    ['a\r\nX: y', false],
    ['a/b', false],
  ] as const)
    t.equal(isHost(host), want, `host ${JSON.stringify(host)}`);
});

t.test('HeadBuilder.field writes a safe line and refuses the rest; text and bytes assemble in order', async (t) => {
  const b = new HeadBuilder();
  const source = Buffer.from('xxA: 1\r\nyy');
  b.text('GET / HTTP/1.1\r\n');
  t.equal(b.field('X-Ok', 'v'), true);
  t.equal(b.field('X-Bad', 'v\r\nX-Injected: 1'), false);
  t.equal(b.field('X Bad', 'v'), false);
  b.bytes(source, 2, 8);
  t.equal(b.field('X-Wide', '\u010a'), true);
  const out = b.text('\r\n').build(Buffer.from('body'), 0, 2);
  t.equal(out.toString('latin1'), 'GET / HTTP/1.1\r\nX-Ok: v\r\nA: 1\r\nX-Wide: \xc4\x8a\r\n\r\nbo');
  t.equal(b.build().length, 0, 'build resets the builder');
});

t.test('HeadBuilder.bytes joins contiguous ranges of one buffer and keeps the others apart', async (t) => {
  const b = new HeadBuilder();
  const source = Buffer.from('A: 1\r\nB: 2\r\nC: 3\r\n');
  const other = Buffer.from('A: 1\r\nB: 2\r\nC: 3\r\n');
  b.bytes(source, 0, 6).bytes(source, 6, 12).bytes(other, 12, 18).bytes(source, 18, 18).bytes(source, 0, 6);
  t.equal(b.size, 24);
  t.equal(b.build().toString('latin1'), 'A: 1\r\nB: 2\r\nC: 3\r\nA: 1\r\n');
  b.bytes(source, 0, 6).text('x').bytes(source, 6, 12);
  t.equal(b.build().toString('latin1'), 'A: 1\r\nxB: 2\r\n', 'text between ranges keeps them apart');
});
