// The table's compact form (terms in one shared array, identical terms as one object, small host slots as plain
// lists) must match exactly what each rule's own compiled dslx says.
import t from 'tap';
import { compile, createRuleTable, RuleCompileCache, type DslxTerm, type MatchRequest } from '../src/index.ts';
import type { TermMatcher } from '../src/compile.ts';
import type { IndexList } from '../src/prefix-tree.ts';
import type { RuleIndex } from '../src/rule-index.ts';
import { request } from './helpers.ts';

type Internals = { compiled: { terms: TermMatcher[]; start: Int32Array }; index: RuleIndex };
const internals = (table: unknown) => table as Internals;
const termsOf = (table: unknown, i: number): TermMatcher[] => {
  const { terms, start } = internals(table).compiled;
  return terms.slice(start[i]!, start[i + 1]!);
};

/** Every operator on every type it applies to, one-row and several-row terms, and a term without rows. */
const everyMatcher: Array<[string, DslxTerm[]]> = [
  ['host-eq', [{ type: 'HOST', values: [['EQ', 'Shop.Example.com']] }]],
  ['host-in-list', [{ type: 'HOST', values: [['IN', 'a.com', 'B.com']] }]],
  ['host-in-set', [{ type: 'HOST', values: [['IN', 'a.com', 'b.com', 'c.com', 'd.com', 'e.com']] }]],
  ['host-wildcard', [{ type: 'HOST', values: [['ENDS_WITH', '*.shop.com']] }]],
  ['host-suffix', [{ type: 'HOST', values: [['ENDS_WITH', 'op.com']] }]],
  ['host-starts', [{ type: 'HOST', values: [['STARTS_WITH', 'API.']] }]],
  ['host-regex', [{ type: 'HOST', values: [['REGEX', '^W+\\.']] }]],
  ['host-range', [{ type: 'HOST', values: [['RANGE', 'm', 'n']] }]],
  ['url-eq', [{ type: 'URL', values: [['EQ', '/exact']] }]],
  ['url-in', [{ type: 'URL', values: [['IN', '/x', '/y']] }]],
  ['url-starts', [{ type: 'URL', values: [['STARTS_WITH', '/app']] }]],
  ['url-ends', [{ type: 'URL', values: [['ENDS_WITH', '.png']] }]],
  ['url-regex', [{ type: 'URL', values: [['REGEX', '^/api/v[0-9]+/']] }]],
  ['url-prefix', [{ type: 'URL', values: [['PATH_PREFIX', '/docs/']] }]],
  ['url-root', [{ type: 'URL', values: [['PATH_PREFIX', '/']] }]],
  ['url-range', [{ type: 'URL', values: [['RANGE', '/a', '/b']] }]],
  ['url-exist', [{ type: 'URL', values: [['EXIST']] }]],
  ['method', [{ type: 'METHOD', values: [['IN', 'POST', 'PUT']] }]],
  ['header', [{ type: 'HEADER', key: 'X_Env', values: [['EQ', 'prod']] }]],
  ['header-exist', [{ type: 'HEADER', key: 'x-env', values: [['EXIST']] }]],
  ['header-ip-range', [{ type: 'HEADER', key: 'x-ip', values: [['RANGE', '10.0.0.0', '10.0.0.255']] }]],
  ['param', [{ type: 'PARAM', key: 'v', values: [['STARTS_WITH', '2']] }]],
  ['cookie', [{ type: 'COOKIE', key: 'Uid', values: [['ENDS_WITH', '7']] }]],
  ['src-range', [{ type: 'SRC_IP', values: [['RANGE', '192.168.0.1', '192.168.0.9']] }]],
  ['src-cidr', [{ type: 'SRC_IP', values: [['CIDR', '10.0.0.0/8', '2001:db8::/32']] }]],
  ['src-eq', [{ type: 'SRC_IP', values: [['EQ', '1.2.3.4']] }]],
  [
    'several-rows',
    [
      {
        type: 'URL',
        values: [
          ['STARTS_WITH', '/a'],
          ['PATH_PREFIX', '/b'],
          ['EQ', '/c'],
        ],
      },
      {
        type: 'HOST',
        values: [
          ['EQ', 'a.com'],
          ['ENDS_WITH', '.shop.com'],
        ],
      },
    ],
  ],
  [
    'empty-term-then-method',
    [
      { type: 'HEADER', key: 'x-none', values: [] },
      { type: 'METHOD', values: [['EQ', 'GET']] },
    ],
  ],
];

const requests: MatchRequest[] = [
  request({ url: '/exact', host: 'shop.example.com' }),
  request({ url: '/app/x?v=2&v=3', host: 'B.COM:8080' }),
  request({ url: '/y', host: 'e.com', method: 'POST' }),
  request({ url: '/docs', host: 'www.shop.com', headers: { 'x-env': 'prod', cookie: 'uid=17' } }),
  request({ url: '/docs/x/logo.png', host: 'a.b.shop.com', ip: '2001:db8::1' }),
  request({ url: '/api/v12/x', host: 'api.shop.com', ip: '192.168.0.5', method: 'PUT' }),
  request({ url: '/b/1', host: 'wwww.x', headers: { 'x-ip': '10.0.0.7' }, ip: '1.2.3.4' }),
  request({ url: '/a%2Fb', host: 'mop.com', headers: { 'x-env': ['a', 'b'] }, ip: '::ffff:10.1.1.1' }),
  request({ url: 'http://n/c', method: 'DELETE' }),
];

t.test('a table of every matcher type agrees, rule by rule, with each rule compiled alone', async (t) => {
  for (const [name, dslx] of everyMatcher) {
    const table = createRuleTable([{ name, priority: 1, dslx }]);
    const alone = compile(dslx);
    for (const req of requests) t.equal(table.match(req), alone.match(req) ? name : null, `${name} on ${req.url}`);
  }
  // All in one table: each request wins the first rule (in table order) that its own compiled dslx accepts.
  const table = createRuleTable(everyMatcher.map(([name, dslx]) => ({ name, priority: 1, dslx })));
  t.equal(table.rules.length, everyMatcher.length);
  const alone = new Map(everyMatcher.map(([name, dslx]) => [name, compile(dslx)]));
  const winners = new Set<string | null>();
  for (const req of requests) {
    const want = table.rules.find((rule) => alone.get(rule.name)!.match(req))?.name ?? null;
    winners.add(want);
    t.equal(table.match(req), want, req.url);
    t.equal(table.scanLinear(req), want);
    t.equal(table.explain(req).winner, want);
  }
  t.ok(winners.size >= 6, `the requests reach different rules: ${[...winners].join(', ')}`);
});

t.test('many rules sharing a host: few stay a plain list, many get a path index, all keep their order', async (t) => {
  for (const count of [1, 3, 8, 9, 500]) {
    const rules = Array.from({ length: count }, (_, i) => ({
      name: `r${String(i).padStart(3, '0')}`,
      priority: 5,
      dslx: [
        { type: 'HOST' as const, values: [['EQ', 'shared.com']] },
        { type: 'URL' as const, values: [['STARTS_WITH', `/p${i}/`]] },
      ],
    }));
    rules.push({ name: 'zz-catch-all', priority: 9, dslx: [{ type: 'HOST', values: [['EQ', 'shared.com']] }] });
    const table = createRuleTable(rules);
    for (let i = 0; i < count; i++) {
      t.equal(table.match(request({ url: `/p${i}/x`, host: 'Shared.com' })), `r${String(i).padStart(3, '0')}`);
    }
    t.equal(table.match(request({ url: `/p${count}/x`, host: 'shared.com' })), 'zz-catch-all');
    t.equal(table.match(request({ url: '/p0/x', host: 'other.com' })), null);
    const lists: IndexList[] = [];
    internals(table).index.collect('shared.com', '/p0/x', lists);
    const candidates = lists.flat().length;
    if (count + 1 <= 8) t.equal(candidates, count + 1, `${count}: every rule of the host is a candidate`);
    else t.equal(candidates, 2, `${count}: only the rule of that path and the catch-all are candidates`);
    // The host term is one object for every rule of that host.
    const hostTerms = new Set(table.rules.map((_, i) => termsOf(table, i)[0]));
    t.equal(hostTerms.size, 1, `${count}: one shared HOST term`);
  }
});

t.test('rules with equal priority keep ALB order, and identical dslx under two names stays two rules', async (t) => {
  const dslx: DslxTerm[] = [{ type: 'URL', values: [['STARTS_WITH', '/same']] }];
  const table = createRuleTable([
    { name: 'b', priority: 3, dslx },
    { name: 'a', priority: 3, dslx },
    { name: 'c', priority: 3, dslx: [{ type: 'URL', values: [['STARTS_WITH', '/same/longer']] }] },
    { name: 'first', priority: 2, dslx },
  ]);
  t.same(
    table.rules.map((r) => r.name),
    ['first', 'c', 'a', 'b'],
    'priority, then complexity (longer prefix), then name',
  );
  t.equal(table.match(request({ url: '/same/longer/x' })), 'first');
  t.equal(termsOf(table, 0)[0], termsOf(table, 2)[0], 'identical terms share one compiled object');
  const explained = table.explain(request({ url: '/other' }));
  t.same(
    explained.rules.map((r) => [r.name, r.priority, r.complexity, r.failedTerm]),
    [
      ['first', 2, 1007, 0],
      ['c', 3, 1014, 0],
      ['a', 3, 1007, 0],
      ['b', 3, 1007, 0],
    ],
  );
});

t.test('shared terms are told apart by every part: type, key, operator, arguments', async (t) => {
  const table = createRuleTable([
    { name: 'k-eq', priority: 1, dslx: [{ type: 'HEADER', key: 'k\0EQ', values: [['EQ', 'v']] }] },
    { name: 'k', priority: 2, dslx: [{ type: 'HEADER', key: 'k', values: [['EQ', 'EQ\0v']] }] },
    { name: 'param', priority: 3, dslx: [{ type: 'PARAM', key: 'k', values: [['EQ', 'v']] }] },
    { name: 'starts', priority: 4, dslx: [{ type: 'HEADER', key: 'k', values: [['STARTS_WITH', 'v']] }] },
    {
      name: 'two-rows',
      priority: 5,
      dslx: [
        {
          type: 'HEADER',
          key: 'k',
          values: [
            ['EQ', 'w'],
            ['EQ', 'x'],
          ],
        },
      ],
    },
  ]);
  t.equal(table.match(request({ headers: { 'k\0eq': 'v' } })), 'k-eq');
  t.equal(table.match(request({ headers: { k: 'EQ\0v' } })), 'k');
  t.equal(table.match(request({ url: '/?k=v' })), 'param');
  t.equal(table.match(request({ headers: { k: 'vv' } })), 'starts');
  t.equal(table.match(request({ headers: { k: 'x' } })), 'two-rows');
  t.equal(new Set(table.rules.map((_, i) => termsOf(table, i)[0])).size, 5);
});

t.test('a cached rebuild reuses the compiled terms of unchanged rules', async (t) => {
  const cache = new RuleCompileCache();
  const rules = [
    { name: 'a', priority: 1, dslx: [{ type: 'URL', values: [['STARTS_WITH', '/a']] }] as DslxTerm[] },
    { name: 'b', priority: 1, dslx: [{ type: 'URL', values: [['STARTS_WITH', '/b']] }] as DslxTerm[] },
  ];
  const first = createRuleTable(rules, { cache });
  cache.prune();
  const second = createRuleTable(
    [...rules, { name: 'c', priority: 0, dslx: [{ type: 'URL', values: [['EQ', '/c']] }] }],
    { cache },
  );
  t.same(
    second.rules.map((r) => r.name),
    ['c', 'a', 'b'],
  );
  t.equal(termsOf(second, 1)[0], termsOf(first, 0)[0], 'rule a was not compiled again');
  t.equal(second.match(request({ url: '/b/x' })), 'b');
  t.equal(second.match(request({ url: '/c' })), 'c');
});

t.test('a REGEX is compiled on its first use, and matches as if compiled up front', async (t) => {
  const table = createRuleTable([
    { name: 'img', priority: 1, dslx: [{ type: 'URL', values: [['REGEX', '^/img/[0-9]+\\.png$']] }] },
    { name: 'never-tried', priority: 2, dslx: [{ type: 'URL', values: [['REGEX', '^/other/(a|b)+$']] }] },
  ]);
  const compiledOf = (i: number) => (termsOf(table, i)[0]!.arg as { compiled: unknown }).compiled;
  t.equal(compiledOf(0), null, 'not compiled by the build');
  t.equal(table.match(request({ url: '/img/12.png' })), 'img');
  t.not(compiledOf(0), null, 'compiled by the first request that reached it');
  t.equal(compiledOf(1), null, 'a rule no request reached (the first rule won) holds no compiled program');
  t.equal(table.match(request({ url: '/img/x.png' })), null);
  t.equal(table.match(request({ url: '/other/abba' })), 'never-tried');
});
