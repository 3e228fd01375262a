// ALB's rule order (Alauda ALB: controller/types/helper.go Policies.Less): priority asc, complexity desc,
// internal length desc, name asc.
import t from 'tap';
import { complexity, createRuleTable, internalLength, toInternal, type DslxTerm } from '../src/index.ts';
import { request } from './helpers.ts';

const host = (op: string, ...args: string[]): DslxTerm => ({ type: 'HOST', values: [[op, ...args]] });
const url = (...rows: string[][]): DslxTerm => ({ type: 'URL', values: rows });

t.test('complexity', async (t) => {
  const cases: Array<{ name: string; dslx: DslxTerm[]; want: number }> = [
    { name: 'exact host', dslx: [host('EQ', 'a.com')], want: 50000 },
    { name: 'host IN', dslx: [host('IN', 'a.com', 'b.com')], want: 50000 },
    { name: 'wildcard host', dslx: [host('ENDS_WITH', '*.a.com')], want: 10000 },
    { name: 'host regex counts nothing', dslx: [host('REGEX', 'a')], want: 0 },
    {
      name: 'only the first host row counts',
      dslx: [
        {
          type: 'HOST',
          values: [
            ['REGEX', 'x'],
            ['EQ', 'a.com'],
          ],
        },
      ],
      want: 0,
    },
    { name: 'url EQ', dslx: [url(['EQ', '/a'])], want: 2000 },
    { name: 'url STARTS_WITH adds length + 2', dslx: [url(['STARTS_WITH', '/abc'])], want: 1006 },
    { name: 'url REGEX adds length', dslx: [url(['REGEX', '/abc.*'])], want: 1006 },
    { name: 'PATH_PREFIX scores like STARTS_WITH', dslx: [url(['PATH_PREFIX', '/abc'])], want: 1006 },
    { name: 'url rows add up', dslx: [url(['STARTS_WITH', '/a'], ['EQ', '/b'], ['IN', '/c'])], want: 1004 + 2000 },
    { name: 'lengths are UTF-8 bytes', dslx: [url(['STARTS_WITH', '/é'])], want: 1000 + 3 + 2 },
    {
      name: 'other terms 100 per row',
      dslx: [
        {
          type: 'HEADER',
          key: 'a',
          values: [
            ['EQ', '1'],
            ['EQ', '2'],
          ],
        },
      ],
      want: 200,
    },
    {
      name: 'CIDR like other SRC_IP rows',
      dslx: [{ type: 'SRC_IP', values: [['CIDR', '10.0.0.0/8', '11.0.0.0/8']] }],
      want: 100,
    },
    {
      name: 'the documentation rule',
      dslx: [
        { type: 'METHOD', values: [['EQ', 'POST']] },
        url(['STARTS_WITH', '/app-a'], ['STARTS_WITH', '/app-b']),
        { type: 'PARAM', key: 'group', values: [['EQ', 'vip']] },
        host('ENDS_WITH', '.app.com'),
        { type: 'HEADER', key: 'LOCATION', values: [['IN', 'east-1', 'east-2']] },
        { type: 'COOKIE', key: 'uid', values: [['EXIST']] },
        { type: 'SRC_IP', values: [['RANGE', '1.1.1.1', '1.1.1.100']] },
      ],
      want: 100 + 2016 + 100 + 10000 + 100 + 100 + 100,
    },
  ];
  for (const c of cases) t.equal(complexity(c.dslx), c.want, c.name);
});

t.test('toInternal is ALB internal prefix form', async (t) => {
  t.same(toInternal([url(['STARTS_WITH', '/a'])]), [['STARTS_WITH', 'URL', '/a']], 'one term: a one-element list');
  t.same(toInternal([url(['STARTS_WITH', '/a'], ['EQ', '/b'])]), [
    ['OR', ['STARTS_WITH', 'URL', '/a'], ['EQ', 'URL', '/b']],
  ]);
  t.same(toInternal([url(['EQ', '/a']), { type: 'COOKIE', key: 'uid', values: [['EXIST']] }]), [
    'AND',
    ['EQ', 'URL', '/a'],
    ['EXIST', 'COOKIE', 'uid'],
  ]);
  t.same(
    toInternal([url(['EQ', '/a']), { type: 'METHOD', values: [] }]),
    ['AND', ['EQ', 'URL', '/a']],
    'AND kept when a term is skipped',
  );
  t.same(toInternal([{ type: 'HEADER', key: 'x', values: [['EQ', '1'], ['EXIST']] }]), [
    ['OR', ['EQ', 'HEADER', 'x', '1'], ['EXIST', 'HEADER', 'x']],
  ]);
});

t.test('internalLength is the byte length of Go json.Marshal', async (t) => {
  t.equal(internalLength([url(['EQ', '/a'])]), JSON.stringify([['EQ', 'URL', '/a']]).length);
  t.equal(
    internalLength([url(['EQ', '/a<b'])]),
    JSON.stringify([['EQ', 'URL', '/a<b']]).length + 5,
    'Go escapes < as \\u003c',
  );
  t.equal(internalLength([url(['EQ', '/é'])]), JSON.stringify([['EQ', 'URL', '/é']]).length + 1, 'UTF-8 bytes');
});

t.test('table order', async (t) => {
  const cases: Array<{
    name: string;
    rules: Array<{ name: string; priority: number; dslx: DslxTerm[] }>;
    want: string[];
  }> = [
    {
      name: 'priority first, lower wins',
      rules: [
        { name: 'a', priority: 5, dslx: [host('EQ', 'x.com')] },
        { name: 'b', priority: 1, dslx: [url(['STARTS_WITH', '/'])] },
      ],
      want: ['b', 'a'],
    },
    {
      name: 'negative priorities sort first',
      rules: [
        { name: 'a', priority: 0, dslx: [url(['STARTS_WITH', '/'])] },
        { name: 'b', priority: -1, dslx: [url(['STARTS_WITH', '/'])] },
      ],
      want: ['b', 'a'],
    },
    {
      name: 'then exact host before wildcard host before no host',
      rules: [
        { name: 'none', priority: 5, dslx: [url(['STARTS_WITH', '/'])] },
        { name: 'wild', priority: 5, dslx: [host('ENDS_WITH', '*.x.com')] },
        { name: 'exact', priority: 5, dslx: [host('EQ', 'a.x.com')] },
      ],
      want: ['exact', 'wild', 'none'],
    },
    {
      name: 'then longer prefix first, exact before prefix',
      rules: [
        { name: 'short', priority: 5, dslx: [url(['STARTS_WITH', '/a'])] },
        { name: 'long', priority: 5, dslx: [url(['STARTS_WITH', '/a/b/c'])] },
        { name: 'exact', priority: 5, dslx: [url(['EQ', '/a'])] },
      ],
      want: ['exact', 'long', 'short'],
    },
    {
      name: 'then internal form length, longer first',
      rules: [
        { name: 'a', priority: 5, dslx: [{ type: 'METHOD', values: [['EQ', 'GET']] }] },
        { name: 'b', priority: 5, dslx: [{ type: 'METHOD', values: [['EQ', 'DELETE']] }] },
      ],
      want: ['b', 'a'],
    },
    {
      name: 'then name',
      rules: [
        { name: 'b', priority: 5, dslx: [url(['EQ', '/x'])] },
        { name: 'a', priority: 5, dslx: [url(['EQ', '/y'])] },
      ],
      want: ['a', 'b'],
    },
  ];
  for (const c of cases) {
    t.same(
      createRuleTable(c.rules).rules.map((r) => r.name),
      c.want,
      c.name,
    );
  }
});

t.test('first match in order wins', async (t) => {
  const table = createRuleTable([
    { name: 'catch-all', priority: 999, dslx: [url(['STARTS_WITH', '/'])] },
    { name: 'api', priority: 5, dslx: [url(['STARTS_WITH', '/api'])] },
    { name: 'api-v2', priority: 5, dslx: [url(['STARTS_WITH', '/api/v2'])] },
    { name: 'shop', priority: 5, dslx: [host('EQ', 'shop.com'), url(['STARTS_WITH', '/api'])] },
  ]);
  t.equal(table.match(request({ url: '/api/v2/x' })), 'api-v2');
  t.equal(table.match(request({ url: '/api/v1' })), 'api');
  t.equal(table.match(request({ url: '/api/v2', host: 'shop.com' })), 'shop', 'host beats a longer path');
  t.equal(table.match(request({ url: '/x' })), 'catch-all');
});

t.test('invalid rules are skipped and reported, never thrown', async (t) => {
  const table = createRuleTable([
    { name: 'bad', priority: 1, dslx: [{ type: 'HEADER', values: [['EQ', 'x']] }] },
    { name: 'good', priority: 5, dslx: [url(['STARTS_WITH', '/'])] },
  ]);
  t.same(
    table.rules.map((r) => r.name),
    ['good'],
  );
  t.equal(table.skipped[0]?.name, 'bad');
  t.equal(table.skipped[0]?.issues[0]?.code, 'ALB_DSLX_KEY_MISSING');
  t.equal(table.match(request({ headers: { x: 'x' } })), 'good');
});

t.test('explain tells which term failed and who won', async (t) => {
  const table = createRuleTable([
    {
      name: 'post-api',
      priority: 1,
      dslx: [url(['STARTS_WITH', '/api']), { type: 'METHOD', values: [['EQ', 'POST']] }],
    },
    { name: 'api', priority: 2, dslx: [url(['STARTS_WITH', '/api'])] },
    { name: 'rest', priority: 3, dslx: [url(['STARTS_WITH', '/'])] },
  ]);
  const explanation = table.explain(request({ url: '/api/x' }));
  t.equal(explanation.winner, 'api');
  t.same(explanation.rules, [
    { name: 'post-api', priority: 1, complexity: 1106, matched: false, failedTerm: 1 },
    { name: 'api', priority: 2, complexity: 1006, matched: true },
  ]);
  t.equal(table.explain(request({ url: 'x', method: 'GET', host: 'h' })).winner, 'rest');
});
