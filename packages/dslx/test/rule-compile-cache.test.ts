import t from 'tap';
import { createRuleTable, RuleCompileCache, type DslxTerm } from '../src/index.ts';
import { request } from './helpers.ts';

const rule = (name: string, prefix: string, priority = 5) => ({
  name,
  priority,
  dslx: [{ type: 'URL', values: [['STARTS_WITH', prefix]] }] as DslxTerm[],
});

t.test('a cached table behaves as an uncached one, and reuses compiled rules', async (t) => {
  const cache = new RuleCompileCache();
  const rules = [rule('a', '/a'), rule('b', '/b', 1), rule('bad', '/c')];
  rules[2]!.dslx = [{ type: 'HEADER', values: [['EQ', 'x']] } as DslxTerm];
  const plain = createRuleTable(rules);
  const cached = createRuleTable(rules, { cache });
  t.same(
    cached.rules.map((r) => r.name),
    plain.rules.map((r) => r.name),
  );
  t.same(cached.skipped, plain.skipped, 'invalid rules are skipped the same way');
  t.equal(cached.match(request({ url: '/a/x' })), 'a');
  cache.prune();
  t.equal(cache.size, 3);
  // Same dslx under another name and priority: compiled once, ordered by its own name and priority.
  const renamed = createRuleTable([rule('z', '/a', 0), rule('b', '/b', 1)], { cache });
  t.same(
    renamed.rules.map((r) => r.name),
    ['z', 'b'],
  );
  cache.prune();
  t.equal(cache.size, 2, 'entries unused since the last prune are dropped');
});
