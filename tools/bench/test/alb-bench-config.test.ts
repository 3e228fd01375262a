// The ALB config: 1000 rules + catch-all, and the bench's requests match the last rule before the catch-all.
import { createRuleTable } from '@alb/dslx';
import t from 'tap';
import { albBenchConfig, bodies, matchedRule, ruleCount, ruleName } from '../src/index.ts';

const config = albBenchConfig({ port: 20002, backendPort: 20001 });
const rules = config.listeners[0]!.rules;
const table = createRuleTable(rules);

t.test('1000 rules plus the catch-all, all valid, one backend', async (t) => {
  t.equal(rules.length, ruleCount + 1);
  t.same(table.skipped, []);
  t.same(
    config.backendGroups.map((g) => [g.name, g.endpoints]),
    [['backend', [{ address: '127.0.0.1', port: 20001, weight: 100 }]]],
  );
  t.equal(config.listeners[0]!.defaultBackend, null);
  t.equal(config.listeners[0]!.port, 20002);
});

t.test('rule names are zero-padded', async (t) => {
  const cases = [
    { name: 'first', input: 0, want: 'svc-000' },
    { name: 'middle', input: 42, want: 'svc-042' },
    { name: 'last', input: 999, want: 'svc-999' },
  ];
  for (const { name, input, want } of cases) t.equal(ruleName(input), want, name);
});

t.test("in ALB's order, svc-999 is the last rule before the catch-all", async (t) => {
  const order = table.rules.map((r) => r.name);
  t.same(order.slice(-2), [matchedRule, 'catch-all']);
  t.equal(order[0], 'svc-000');
});

t.test('every bench request matches svc-999; other paths fall to the catch-all', async (t) => {
  const request = (url: string) => ({ method: 'GET', url, headers: { host: 'bench' }, remoteAddress: '127.0.0.1' });
  for (const body of bodies) t.equal(table.match(request(body.path)), matchedRule, body.path);
  t.equal(table.match(request('/svc-1000/')), 'catch-all');
  t.equal(table.match(request('/')), 'catch-all');
  t.equal(table.match(request('/svc-998/x')), 'svc-998');
});

t.test('10k rules: 9000 extra ones order before svc-999, which still answers every bench request', async (t) => {
  const big = albBenchConfig({ port: 20002, backendPort: 20001, rules: 10_000 }).listeners[0]!.rules;
  const bigTable = createRuleTable(big);
  t.equal(big.length, 10_001);
  t.same(bigTable.skipped, []);
  const order = bigTable.rules.map((r) => r.name);
  t.same(order.slice(-2), [matchedRule, 'catch-all']);
  t.equal(order[0], 'extra-0000');
  const request = (url: string) => ({ method: 'GET', url, headers: { host: 'bench' }, remoteAddress: '127.0.0.1' });
  for (const body of bodies) t.equal(bigTable.match(request(body.path)), matchedRule, body.path);
  t.equal(bigTable.match(request('/extra-8999/')), 'extra-8999');
});
