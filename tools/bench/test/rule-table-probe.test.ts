// The rule-table probe as the bench runs it: a child Node with --expose-gc printing one JSON line.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRuleTable } from '@alb/dslx';
import t from 'tap';
import { hostUrlRules, type RuleTableProbe } from '../src/index.ts';

t.test('HOST + URL rules: all valid, each matched by its own host and path only', async (t) => {
  const table = createRuleTable(hostUrlRules(50));
  t.same(table.skipped, []);
  const request = (host: string, url: string) => ({ method: 'GET', url, headers: { host }, remoteAddress: '::1' });
  t.equal(table.match(request('host-49.example.com', '/svc-49/a')), 'rule-49');
  t.equal(table.match(request('host-48.example.com', '/svc-49/a')), null);
});

t.test('the probe measures a table in a child process', async (t) => {
  const script = fileURLToPath(new URL('../src/rule-table-probe.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', '--conditions=@alb/source', script, '2000'], {
    encoding: 'utf8',
  });
  const probe = JSON.parse(out) as RuleTableProbe;
  t.equal(probe.rules, 2000);
  t.ok(probe.heapBytesPerRule > 0, `heap per rule ${probe.heapBytesPerRule}`);
  t.ok(probe.buildMs > 0 && probe.matchUs > 0);
});
