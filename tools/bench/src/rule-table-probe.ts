// Run as a child (`node --expose-gc rule-table-probe.ts <rules>`): builds a @alb/dslx rule table of HOST + URL
// rules and prints one JSON line: heap bytes per rule, build time, and the time of one match of the last rule.
import { createRuleTable, type RuleInput } from '@alb/dslx';

export type RuleTableProbe = { rules: number; heapBytesPerRule: number; buildMs: number; matchUs: number };

/** `host-N.example.com` + `URL STARTS_WITH /svc-N/` for N in [0, count): every rule in its own host bucket. */
export function hostUrlRules(count: number): RuleInput[] {
  const rules: RuleInput[] = [];
  for (let i = 0; i < count; i++)
    rules.push({
      name: `rule-${i}`,
      priority: 5,
      dslx: [
        { type: 'HOST', values: [['EQ', `host-${i}.example.com`]] },
        { type: 'URL', values: [['STARTS_WITH', `/svc-${i}/`]] },
      ],
    });
  return rules;
}

function probe(count: number): RuleTableProbe {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('rule-table-probe needs node --expose-gc');
  const rules = hostUrlRules(count);
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const table = createRuleTable(rules);
  const buildMs = performance.now() - started;
  gc();
  const heapBytesPerRule = (process.memoryUsage().heapUsed - before) / count;
  const last = count - 1;
  const request = {
    method: 'GET',
    url: `/svc-${last}/x?y=1`,
    headers: { host: `host-${last}.example.com` },
    remoteAddress: '127.0.0.1',
  };
  if (table.match(request) !== `rule-${last}`) throw new Error('the probe request did not match the last rule');
  const rounds = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) table.match(request);
  const matchUs = ((performance.now() - t0) * 1000) / rounds;
  return { rules: count, heapBytesPerRule, buildMs, matchUs };
}

if (import.meta.main) process.stdout.write(JSON.stringify(probe(Number(process.argv[2] ?? 100_000))) + '\n');
