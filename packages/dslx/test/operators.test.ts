// One table per operator and input type: {name, dslx, request, want}. ALB quirks we fix are in quirks.test.ts.
import t from 'tap';
import { compile, type DslxTerm, type MatchRequest } from '../src/index.ts';
import { keyed, request, term } from './helpers.ts';

type Case = { name: string; dslx: DslxTerm[]; req: MatchRequest; want: boolean };

const cases: Record<string, Case[]> = {
  EQ: [
    { name: 'host equal', dslx: term('HOST', ['EQ', 'a.com']), req: request({ host: 'a.com' }), want: true },
    { name: 'host other', dslx: term('HOST', ['EQ', 'a.com']), req: request({ host: 'b.com' }), want: false },
    { name: 'host missing', dslx: term('HOST', ['EQ', 'a.com']), req: request(), want: false },
    { name: 'url exact', dslx: term('URL', ['EQ', '/a/b']), req: request({ url: '/a/b?x=1' }), want: true },
    { name: 'url not a prefix', dslx: term('URL', ['EQ', '/a']), req: request({ url: '/a/b' }), want: false },
    { name: 'method is case-sensitive', dslx: term('METHOD', ['EQ', 'get']), req: request(), want: false },
    { name: 'method', dslx: term('METHOD', ['EQ', 'GET']), req: request(), want: true },
    {
      name: 'header value case-sensitive',
      dslx: keyed('HEADER', 'x-env', ['EQ', 'Prod']),
      req: request({ headers: { 'x-env': 'prod' } }),
      want: false,
    },
    {
      name: 'header',
      dslx: keyed('HEADER', 'x-env', ['EQ', 'prod']),
      req: request({ headers: { 'x-env': 'prod' } }),
      want: true,
    },
    {
      name: 'repeated header joined as nginx does',
      dslx: keyed('HEADER', 'x-a', ['EQ', '1, 2']),
      req: request({ headers: { 'x-a': ['1', '2'] } }),
      want: true,
    },
    {
      name: 'param decoded',
      dslx: keyed('PARAM', 'q', ['EQ', 'a b/c']),
      req: request({ url: '/?q=a+b%2Fc' }),
      want: true,
    },
    {
      name: 'param key decoded',
      dslx: keyed('PARAM', 'a b', ['EQ', '1']),
      req: request({ url: '/?a%20b=1' }),
      want: true,
    },
    {
      name: 'param without value is empty',
      dslx: keyed('PARAM', 'flag', ['EQ', '']),
      req: request({ url: '/?flag' }),
      want: true,
    },
    {
      name: 'param key is case-sensitive',
      dslx: keyed('PARAM', 'Group', ['EQ', 'vip']),
      req: request({ url: '/?group=vip' }),
      want: false,
    },
    {
      name: 'cookie',
      dslx: keyed('COOKIE', 'uid', ['EQ', '42']),
      req: request({ headers: { cookie: 'a=1; uid=42' } }),
      want: true,
    },
    {
      name: 'cookie name case-insensitive (nginx $cookie_)',
      dslx: keyed('COOKIE', 'UID', ['EQ', '42']),
      req: request({ headers: { cookie: 'Uid=42' } }),
      want: true,
    },
    {
      name: 'cookie first occurrence',
      dslx: keyed('COOKIE', 'uid', ['EQ', '1']),
      req: request({ headers: { cookie: 'uid=1; uid=2' } }),
      want: true,
    },
    {
      name: 'cookie across header lines',
      dslx: keyed('COOKIE', 'b', ['EQ', '2']),
      req: request({ headers: { cookie: ['a=1', 'b=2'] } }),
      want: true,
    },
    { name: 'src ip', dslx: term('SRC_IP', ['EQ', '10.0.0.1']), req: request(), want: true },
    {
      name: 'src ip v4-mapped is its v4 form',
      dslx: term('SRC_IP', ['EQ', '10.0.0.9']),
      req: request({ ip: '::ffff:10.0.0.9' }),
      want: true,
    },
  ],
  IN: [
    { name: 'one of', dslx: term('METHOD', ['IN', 'GET', 'HEAD']), req: request({ method: 'HEAD' }), want: true },
    { name: 'none of', dslx: term('METHOD', ['IN', 'GET', 'HEAD']), req: request({ method: 'POST' }), want: false },
    {
      name: 'wildcards are literal',
      dslx: term('HOST', ['IN', '*.a.com']),
      req: request({ host: 'x.a.com' }),
      want: false,
    },
    {
      name: 'large set',
      dslx: term('URL', ['IN', '/1', '/2', '/3', '/4', '/5', '/6']),
      req: request({ url: '/6' }),
      want: true,
    },
    {
      name: 'large set miss',
      dslx: term('URL', ['IN', '/1', '/2', '/3', '/4', '/5', '/6']),
      req: request({ url: '/7' }),
      want: false,
    },
    {
      name: 'header',
      dslx: keyed('HEADER', 'LOCATION', ['IN', 'east-1', 'east-2']),
      req: request({ headers: { location: 'east-2' } }),
      want: true,
    },
  ],
  STARTS_WITH: [
    { name: 'url prefix', dslx: term('URL', ['STARTS_WITH', '/api']), req: request({ url: '/api/v1' }), want: true },
    {
      name: 'url raw prefix crosses segments (ALB)',
      dslx: term('URL', ['STARTS_WITH', '/foo']),
      req: request({ url: '/foobar' }),
      want: true,
    },
    { name: 'url other', dslx: term('URL', ['STARTS_WITH', '/api']), req: request({ url: '/ap' }), want: false },
    {
      name: 'url sees decoded path',
      dslx: term('URL', ['STARTS_WITH', '/a b']),
      req: request({ url: '/a%20b/c' }),
      want: true,
    },
    {
      name: 'query is not part of the url',
      dslx: term('URL', ['STARTS_WITH', '/a?x']),
      req: request({ url: '/a?x=1' }),
      want: false,
    },
    {
      name: 'header prefix',
      dslx: keyed('HEADER', 'user-agent', ['STARTS_WITH', 'curl/']),
      req: request({ headers: { 'user-agent': 'curl/8.0' } }),
      want: true,
    },
    {
      name: 'host prefix',
      dslx: term('HOST', ['STARTS_WITH', 'api.']),
      req: request({ host: 'API.x.com' }),
      want: true,
    },
  ],
  ENDS_WITH: [
    {
      name: 'wildcard host one label',
      dslx: term('HOST', ['ENDS_WITH', '*.foo.com']),
      req: request({ host: 'a.foo.com' }),
      want: true,
    },
    {
      name: 'wildcard host not the apex',
      dslx: term('HOST', ['ENDS_WITH', '*.foo.com']),
      req: request({ host: 'foo.com' }),
      want: false,
    },
    {
      name: 'wildcard host not two labels',
      dslx: term('HOST', ['ENDS_WITH', '*.foo.com']),
      req: request({ host: 'a.b.foo.com' }),
      want: false,
    },
    {
      name: 'leading-dot wildcard',
      dslx: term('HOST', ['ENDS_WITH', '.app.com']),
      req: request({ host: 'x.app.com' }),
      want: true,
    },
    {
      name: 'wildcard host with port and case',
      dslx: term('HOST', ['ENDS_WITH', '*.Foo.com']),
      req: request({ host: 'A.FOO.COM:8080' }),
      want: true,
    },
    {
      name: 'plain host suffix',
      dslx: term('HOST', ['ENDS_WITH', 'foo.com']),
      req: request({ host: 'a.b.foo.com' }),
      want: true,
    },
    {
      name: 'plain host suffix is not segment-aware',
      dslx: term('HOST', ['ENDS_WITH', 'foo.com']),
      req: request({ host: 'xfoo.com' }),
      want: true,
    },
    {
      name: 'url suffix',
      dslx: term('URL', ['ENDS_WITH', '.png']),
      req: request({ url: '/img/a.png?v=1' }),
      want: true,
    },
    {
      name: 'url suffix miss',
      dslx: term('URL', ['ENDS_WITH', '.png']),
      req: request({ url: '/img/a.jpg' }),
      want: false,
    },
    {
      name: 'header suffix (no wildcard meaning)',
      dslx: keyed('HEADER', 'x', ['ENDS_WITH', '.b']),
      req: request({ headers: { x: 'a.a.b' } }),
      want: true,
    },
  ],
  REGEX: [
    { name: 'unanchored', dslx: term('URL', ['REGEX', 'v[0-9]+']), req: request({ url: '/api/v2/x' }), want: true },
    {
      name: 'anchored',
      dslx: term('URL', ['REGEX', '^/api/v[0-9]+/']),
      req: request({ url: '/api/v2/x' }),
      want: true,
    },
    {
      name: 'anchored miss',
      dslx: term('URL', ['REGEX', '^/v[0-9]+/']),
      req: request({ url: '/api/v2/x' }),
      want: false,
    },
    {
      name: 'case-sensitive by default',
      dslx: term('URL', ['REGEX', '^/API']),
      req: request({ url: '/api' }),
      want: false,
    },
    { name: 'inline flag', dslx: term('URL', ['REGEX', '(?i)^/API']), req: request({ url: '/api' }), want: true },
    {
      name: 'header',
      dslx: keyed('HEADER', 'user-agent', ['REGEX', 'Mobile|Android']),
      req: request({ headers: { 'user-agent': 'x Android y' } }),
      want: true,
    },
    {
      name: 'host',
      dslx: term('HOST', ['REGEX', '^[a-z]+\\.example\\.com$']),
      req: request({ host: 'shop.example.com' }),
      want: true,
    },
    {
      name: 'catastrophic pattern on hostile input stays linear',
      dslx: term('URL', ['REGEX', '^/(a+)+$']),
      req: request({ url: '/' + 'a'.repeat(50_000) + '!' }),
      want: false,
    },
  ],
  RANGE: [
    {
      name: 'ipv4 inside',
      dslx: term('SRC_IP', ['RANGE', '1.1.1.1', '1.1.1.100']),
      req: request({ ip: '1.1.1.50' }),
      want: true,
    },
    {
      name: 'ipv4 bounds inclusive',
      dslx: term('SRC_IP', ['RANGE', '1.1.1.1', '1.1.1.100']),
      req: request({ ip: '1.1.1.100' }),
      want: true,
    },
    {
      name: 'ipv4 numeric not lexicographic',
      dslx: term('SRC_IP', ['RANGE', '1.1.1.2', '1.1.1.10']),
      req: request({ ip: '1.1.1.9' }),
      want: true,
    },
    {
      name: 'ipv4 outside',
      dslx: term('SRC_IP', ['RANGE', '1.1.1.1', '1.1.1.100']),
      req: request({ ip: '1.1.1.101' }),
      want: false,
    },
    {
      name: 'v4-mapped client in v4 range',
      dslx: term('SRC_IP', ['RANGE', '10.0.0.0', '10.0.0.255']),
      req: request({ ip: '::ffff:10.0.0.7' }),
      want: true,
    },
    {
      name: 'ipv6 client never in v4 range',
      dslx: term('SRC_IP', ['RANGE', '0.0.0.0', '255.255.255.255']),
      req: request({ ip: '::1' }),
      want: false,
    },
    {
      name: 'string range for other types',
      dslx: keyed('HEADER', 'x-v', ['RANGE', 'b', 'd']),
      req: request({ headers: { 'x-v': 'c1' } }),
      want: true,
    },
    {
      name: 'string range outside',
      dslx: keyed('HEADER', 'x-v', ['RANGE', 'b', 'd']),
      req: request({ headers: { 'x-v': 'e' } }),
      want: false,
    },
    {
      name: 'ip range on a header',
      dslx: keyed('HEADER', 'x-ip', ['RANGE', '10.0.0.1', '10.0.0.20']),
      req: request({ headers: { 'x-ip': '10.0.0.3' } }),
      want: true,
    },
  ],
  EXIST: [
    {
      name: 'header present',
      dslx: keyed('HEADER', 'x-a', ['EXIST']),
      req: request({ headers: { 'x-a': '' } }),
      want: true,
    },
    { name: 'header absent', dslx: keyed('HEADER', 'x-a', ['EXIST']), req: request(), want: false },
    {
      name: 'cookie present',
      dslx: keyed('COOKIE', 'uid', ['EXIST']),
      req: request({ headers: { cookie: 'uid=' } }),
      want: true,
    },
    {
      name: 'cookie absent',
      dslx: keyed('COOKIE', 'uid', ['EXIST']),
      req: request({ headers: { cookie: 'u=1' } }),
      want: false,
    },
    { name: 'param present', dslx: keyed('PARAM', 'debug', ['EXIST']), req: request({ url: '/?debug' }), want: true },
    { name: 'param absent', dslx: keyed('PARAM', 'debug', ['EXIST']), req: request({ url: '/?x=1' }), want: false },
    { name: 'host present', dslx: term('HOST', ['EXIST']), req: request({ host: 'a' }), want: true },
  ],
  PATH_PREFIX: [
    { name: 'the path itself', dslx: term('URL', ['PATH_PREFIX', '/foo']), req: request({ url: '/foo' }), want: true },
    {
      name: 'with trailing slash',
      dslx: term('URL', ['PATH_PREFIX', '/foo']),
      req: request({ url: '/foo/' }),
      want: true,
    },
    { name: 'below it', dslx: term('URL', ['PATH_PREFIX', '/foo']), req: request({ url: '/foo/x?y' }), want: true },
    {
      name: 'not a longer segment',
      dslx: term('URL', ['PATH_PREFIX', '/foo']),
      req: request({ url: '/foobar' }),
      want: false,
    },
    {
      name: 'argument trailing slash ignored',
      dslx: term('URL', ['PATH_PREFIX', '/foo/']),
      req: request({ url: '/foo' }),
      want: true,
    },
    {
      name: 'root matches all',
      dslx: term('URL', ['PATH_PREFIX', '/']),
      req: request({ url: '/anything' }),
      want: true,
    },
    {
      name: 'normalized before compare',
      dslx: term('URL', ['PATH_PREFIX', '/foo']),
      req: request({ url: '/bar/../foo/x' }),
      want: true,
    },
  ],
  CIDR: [
    {
      name: 'ipv4 block',
      dslx: term('SRC_IP', ['CIDR', '10.0.0.0/8']),
      req: request({ ip: '10.20.30.40' }),
      want: true,
    },
    {
      name: 'ipv4 outside',
      dslx: term('SRC_IP', ['CIDR', '10.0.0.0/8']),
      req: request({ ip: '11.0.0.1' }),
      want: false,
    },
    {
      name: 'several blocks',
      dslx: term('SRC_IP', ['CIDR', '192.168.0.0/16', '10.0.0.0/8']),
      req: request({ ip: '10.1.1.1' }),
      want: true,
    },
    {
      name: 'ipv6 block',
      dslx: term('SRC_IP', ['CIDR', '2001:db8::/32']),
      req: request({ ip: '2001:db8:1::5' }),
      want: true,
    },
    {
      name: 'ipv6 outside',
      dslx: term('SRC_IP', ['CIDR', '2001:db8::/32']),
      req: request({ ip: '2001:db9::5' }),
      want: false,
    },
    {
      name: 'mixed families',
      dslx: term('SRC_IP', ['CIDR', '10.0.0.0/8', '::1/128']),
      req: request({ ip: '::1' }),
      want: true,
    },
    {
      name: 'host bits ignored',
      dslx: term('SRC_IP', ['CIDR', '10.1.2.3/8']),
      req: request({ ip: '10.9.9.9' }),
      want: true,
    },
    {
      name: '/0 matches the family',
      dslx: term('SRC_IP', ['CIDR', '0.0.0.0/0']),
      req: request({ ip: '8.8.8.8' }),
      want: true,
    },
    {
      name: 'bare address is a /32',
      dslx: term('SRC_IP', ['CIDR', '8.8.8.8']),
      req: request({ ip: '8.8.8.8' }),
      want: true,
    },
    {
      name: 'v4-mapped client',
      dslx: term('SRC_IP', ['CIDR', '10.0.0.0/8']),
      req: request({ ip: '::ffff:10.0.0.1' }),
      want: true,
    },
  ],
};

for (const [operator, table] of Object.entries(cases)) {
  t.test(operator, async (t) => {
    for (const c of table) t.equal(compile(c.dslx).match(c.req), c.want, c.name);
  });
}

t.test('terms are AND-ed and rows OR-ed', async (t) => {
  const dslx: DslxTerm[] = [
    {
      type: 'URL',
      values: [
        ['STARTS_WITH', '/a'],
        ['STARTS_WITH', '/b'],
      ],
    },
    { type: 'METHOD', values: [['EQ', 'POST']] },
  ];
  const m = compile(dslx);
  t.equal(m.match(request({ url: '/b/1', method: 'POST' })), true, 'second row, both terms');
  t.equal(m.match(request({ url: '/b/1', method: 'GET' })), false, 'second term fails');
  t.equal(m.match(request({ url: '/c', method: 'POST' })), false, 'no row of the first term');
});

t.test('a term without rows constrains nothing (ALB skips it)', async (t) => {
  const m = compile([
    { type: 'URL', values: [] },
    { type: 'METHOD', values: [['EQ', 'GET']] },
  ]);
  t.equal(m.match(request({ url: '/x' })), true);
  t.equal(m.match(request({ method: 'PUT' })), false);
});

t.test('the Alauda documentation example rule', async (t) => {
  const dslx: DslxTerm[] = [
    { type: 'METHOD', values: [['EQ', 'POST']] },
    {
      type: 'URL',
      values: [
        ['STARTS_WITH', '/app-a'],
        ['STARTS_WITH', '/app-b'],
      ],
    },
    { type: 'PARAM', key: 'group', values: [['EQ', 'vip']] },
    { type: 'HOST', values: [['ENDS_WITH', '.app.com']] },
    { type: 'HEADER', key: 'LOCATION', values: [['IN', 'east-1', 'east-2']] },
    { type: 'COOKIE', key: 'uid', values: [['EXIST']] },
    { type: 'SRC_IP', values: [['RANGE', '1.1.1.1', '1.1.1.100']] },
  ];
  const m = compile(dslx);
  const good = {
    method: 'POST',
    url: '/app-a/x?group=vip',
    host: 'shop.app.com',
    ip: '1.1.1.5',
    headers: { location: 'east-1', cookie: 'uid=7' },
  };
  t.equal(m.match(request(good)), true, 'all seven hold');
  t.equal(m.match(request({ ...good, method: 'GET' })), false, 'method');
  t.equal(m.match(request({ ...good, url: '/app-c?group=vip' })), false, 'url');
  t.equal(m.match(request({ ...good, url: '/app-a?group=std' })), false, 'param');
  t.equal(m.match(request({ ...good, host: 'app.com' })), false, 'host');
  t.equal(m.match(request({ ...good, headers: { location: 'west', cookie: 'uid=7' } })), false, 'header');
  t.equal(m.match(request({ ...good, headers: { location: 'east-1' } })), false, 'cookie');
  t.equal(m.match(request({ ...good, ip: '1.1.1.200' })), false, 'source ip');
});

t.test('host is taken from an absolute-form request-target', async (t) => {
  const m = compile(term('HOST', ['EQ', 'a.com']));
  t.equal(m.match(request({ url: 'http://A.com:81/x', host: 'b.com' })), true);
  const path = compile(term('URL', ['EQ', '/x']));
  t.equal(path.match(request({ url: 'http://a.com/x?q' })), true);
});
