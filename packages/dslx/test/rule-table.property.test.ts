// The index must never change the winner: for random rule sets and requests, the indexed lookup returns exactly
// what a linear scan of the sorted, compiled rules returns.
import fc from 'fast-check';
import t from 'tap';
import { createRuleTable, type DslxTerm, type MatchRequest } from '../src/index.ts';
import type { RuleIndex } from '../src/rule-index.ts';

const hosts = ['a.com', 'b.a.com', 'x.b.a.com', 'B.A.COM', 'c.com', 'xa.com', 'a.com.'];
const hostArgs = ['a.com', 'b.a.com', 'B.a.com', '*.a.com', '.a.com', '*.b.a.com', 'a.com', 'c.com', '*.com'];
const segments = ['', 'api', 'v1', 'v2', 'app', 'apple', '.', '..', 'x'];
const pathArgs = ['/', '/api', '/api/', '/api/v1', '/ap', '/app', '/apple', '/x', '/api/v2/x', ''];

const hostRow = fc.oneof(
  fc.constantFrom(...hostArgs).map((h) => ['EQ', h]),
  fc.array(fc.constantFrom(...hostArgs), { minLength: 1, maxLength: 3 }).map((hs) => ['IN', ...hs]),
  fc.constantFrom(...hostArgs).map((h) => ['ENDS_WITH', h]),
  fc.constantFrom('a', 'b.').map((h) => ['STARTS_WITH', h]),
  fc.constantFrom('^b\\.', 'a\\.com$').map((h) => ['REGEX', h]),
);
const pathRow = fc.oneof(
  fc.constantFrom(...pathArgs).map((p) => ['EQ', p]),
  fc.array(fc.constantFrom(...pathArgs), { minLength: 1, maxLength: 3 }).map((ps) => ['IN', ...ps]),
  fc.constantFrom(...pathArgs).map((p) => ['STARTS_WITH', p]),
  fc.constantFrom(...pathArgs.filter((p) => p.startsWith('/'))).map((p) => ['PATH_PREFIX', p]),
  fc.constantFrom('^/api/v[12]', 'pp').map((p) => ['REGEX', p]),
  fc.constant(['EXIST'] as string[]),
);
const termArb: fc.Arbitrary<DslxTerm> = fc.oneof(
  fc.array(hostRow, { minLength: 1, maxLength: 2 }).map((values) => ({ type: 'HOST' as const, values })),
  fc.array(pathRow, { minLength: 1, maxLength: 2 }).map((values) => ({ type: 'URL' as const, values })),
  fc.constantFrom('GET', 'POST').map((m) => ({ type: 'METHOD' as const, values: [['EQ', m]] })),
  fc.constantFrom('1', '2').map((v) => ({ type: 'HEADER' as const, key: 'X_Env', values: [['EQ', v]] })),
  fc.constant<DslxTerm>({ type: 'COOKIE', key: 'uid', values: [['EXIST']] }),
  fc.constant<DslxTerm>({ type: 'SRC_IP', values: [['CIDR', '10.0.0.0/8']] }),
);
const ruleArb = fc.record({
  name: fc.stringMatching(/^[a-e]{1,3}$/),
  priority: fc.integer({ min: -1, max: 3 }),
  dslx: fc.array(termArb, { minLength: 1, maxLength: 3 }),
});
const requestArb: fc.Arbitrary<MatchRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST'),
  url: fc
    .tuple(fc.array(fc.constantFrom(...segments), { maxLength: 4 }), fc.constantFrom('', '?a=1', '/'))
    .map(([segs, tail]) => '/' + segs.join('/') + tail),
  headers: fc.record(
    {
      host: fc.oneof(
        fc.constantFrom(...hosts),
        fc.constantFrom(...hosts).map((h) => h + ':8080'),
      ),
      'x-env': fc.constantFrom('1', '2'),
      cookie: fc.constant('uid=1'),
    },
    { requiredKeys: [] },
  ),
  remoteAddress: fc.constantFrom('10.1.2.3', '192.168.0.1', '::ffff:10.0.0.1'),
});

t.test('indexed lookup equals the linear scan', async (t) => {
  let matched = 0;
  let checked = 0;
  fc.assert(
    fc.property(
      fc.array(ruleArb, { minLength: 1, maxLength: 40 }),
      fc.array(requestArb, { minLength: 1, maxLength: 20 }),
      (rules, requests) => {
        const table = createRuleTable(rules);
        for (const req of requests) {
          const want = table.scanLinear(req);
          if (want !== null) matched++;
          checked++;
          if (table.match(req) !== want) return false;
          if (table.explain(req).winner !== want) return false;
        }
        return true;
      },
    ),
    { numRuns: 1500 },
  );
  // The generators must produce both hits and misses, or the property proves little.
  t.ok(matched > checked * 0.2 && matched < checked * 0.95, `matched ${matched} of ${checked}`);
});

t.test('the index narrows: a request only tries rules that can match its host and path', async (t) => {
  const rules = Array.from({ length: 1000 }, (_, i) => ({
    name: `r${i}`,
    priority: 5,
    dslx: [
      { type: 'HOST' as const, values: [['EQ', `h${i % 100}.com`]] },
      { type: 'URL' as const, values: [['STARTS_WITH', `/p${i}`]] },
    ],
  }));
  const table = createRuleTable(rules);
  t.equal(
    table.match({ method: 'GET', url: '/p517/x', headers: { host: 'h17.com' }, remoteAddress: '1.1.1.1' }),
    'r517',
  );
  const lists: number[][] = [];
  (table as unknown as { index: RuleIndex }).index.collect('h17.com', '/p517/x', lists);
  const candidates = lists.flat().map((i) => table.rules[i]!.name);
  t.same(candidates, ['r517'], 'of 1000 rules, only the one of that host whose prefix fits the path');
});
