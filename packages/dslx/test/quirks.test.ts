// ALB behaviours we deliberately fix (docs/architecture.md "Semantics we keep and fix", items 1-6), each named as such.
import t from 'tap';
import { compile, validate, type DslxTerm } from '../src/index.ts';
import { keyed, request, term } from './helpers.ts';

t.test('quirk fixed: ENDS_WITH .app.com no longer matches xapp.com (ALB dropped the first character)', async (t) => {
  const m = compile(term('HOST', ['ENDS_WITH', '.app.com']));
  t.equal(m.match(request({ host: 'xapp.com' })), false);
  t.equal(m.match(request({ host: 'a.app.com' })), true);
});

t.test('quirk fixed: SRC_IP is the socket peer; X-Real-IP and X-Forwarded-For are not believed', async (t) => {
  const m = compile(term('SRC_IP', ['RANGE', '1.1.1.1', '1.1.1.100']));
  const spoofed = { 'x-real-ip': '1.1.1.5', 'x-forwarded-for': '1.1.1.6, 9.9.9.9' };
  t.equal(m.match(request({ ip: '9.9.9.9', headers: spoofed })), false);
  t.equal(
    m.match(request({ ip: '1.1.1.7', headers: spoofed })),
    true,
    'the proxy resolves trusted hops before matching',
  );
});

t.test('quirk fixed: RANGE is correct for IPv6 (ALB compared 32-bit parts one by one)', async (t) => {
  const m = compile(term('SRC_IP', ['RANGE', '2001:db8::ffff', '2001:db8:0:1::']));
  t.equal(m.match(request({ ip: '2001:db8::1:0' })), true, 'inside, though its later parts are below the start');
  t.equal(m.match(request({ ip: '2001:db8::fffe' })), false, 'just below');
  t.equal(m.match(request({ ip: '2001:db8:0:1::1' })), false, 'just above');
  t.equal(m.match(request({ ip: '2001:db8:0:0:0:0:0:ffff' })), true, 'the start, written out');
});

t.test('quirk fixed: an EXIST row inside a multi-row term works (ALB rejected the rule)', async (t) => {
  const dslx: DslxTerm[] = keyed('HEADER', 'x-canary', ['EQ', 'always'], ['EXIST']);
  t.same(validate(dslx), []);
  const m = compile(dslx);
  t.equal(m.match(request({ headers: { 'x-canary': 'anything' } })), true);
  t.equal(m.match(request()), false);
});

t.test('quirk fixed: HEADER keys are case-insensitive and _ equals -', async (t) => {
  for (const key of ['LOCATION', 'location', 'Location']) {
    t.equal(compile(keyed('HEADER', key, ['EQ', 'east'])).match(request({ headers: { location: 'east' } })), true, key);
  }
  for (const key of ['x_user', 'X-User', 'X_USER']) {
    t.equal(compile(keyed('HEADER', key, ['EQ', 'bob'])).match(request({ headers: { 'x-user': 'bob' } })), true, key);
  }
});

t.test('quirk fixed: PARAM uses the first occurrence of a repeated key (ALB got a table and EQ failed)', async (t) => {
  const m = compile(keyed('PARAM', 'id', ['EQ', '1']));
  t.equal(m.match(request({ url: '/?id=1&id=2' })), true);
  t.equal(compile(keyed('PARAM', 'id', ['EQ', '2'])).match(request({ url: '/?id=1&id=2' })), false);
});

t.test('kept: URL is nginx $uri (decoded, slashes merged, dot segments resolved)', async (t) => {
  const m = compile(term('URL', ['EQ', '/a/b/c']));
  for (const url of ['/a/b/c', '/a//b///c', '/a/./b/c', '/a/x/../b/c', '/a/%62/c', '/%61/b/c?x=/d', '/../a/b/c']) {
    t.equal(m.match(request({ url })), true, url);
  }
  t.equal(
    compile(term('URL', ['EQ', '/a/'])).match(request({ url: '/a/b/..' })),
    true,
    'a trailing .. keeps the slash',
  );
  t.equal(compile(term('URL', ['EQ', '/a/b'])).match(request({ url: '/a%2fb' })), true, '%2F decodes to / as in nginx');
  t.equal(compile(term('URL', ['EQ', '/é'])).match(request({ url: '/%C3%A9' })), true, 'UTF-8 escapes');
  t.equal(compile(term('URL', ['EQ', '/%zz'])).match(request({ url: '/%zz' })), true, 'invalid escapes stay literal');
});

t.test('fixed: REGEX cannot stall the process, and unsafe constructs are rejected at validation', async (t) => {
  const m = compile(term('URL', ['REGEX', '(x+x+)+y']));
  // With a backtracking engine this input takes longer than the test timeout; RE2JS is linear in the input.
  t.equal(m.match(request({ url: '/' + 'x'.repeat(100_000) })), false);
  const issues = validate(term('URL', ['REGEX', '^(a)\\1$']));
  t.equal(issues[0]?.code, 'ALB_DSLX_UNSAFE_REGEX');
  t.match(issues[0]?.message, /backreferences/);
});

t.test('kept: STARTS_WITH is a raw string prefix; PATH_PREFIX is the segment-aware one', async (t) => {
  t.equal(compile(term('URL', ['STARTS_WITH', '/foo'])).match(request({ url: '/foobar' })), true);
  t.equal(compile(term('URL', ['PATH_PREFIX', '/foo'])).match(request({ url: '/foobar' })), false);
});

t.test('kept: every operator is false on a missing value', async (t) => {
  for (const row of [
    ['EQ', ''],
    ['IN', 'a'],
    ['STARTS_WITH', ''],
    ['ENDS_WITH', ''],
    ['REGEX', '.*'],
    ['RANGE', 'a', 'z'],
    ['EXIST'],
  ]) {
    t.equal(compile(keyed('HEADER', 'x-missing', row)).match(request()), false, row[0]!);
  }
});
