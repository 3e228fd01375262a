// npm run bench:policy -- the policy builder on 5k Rules, the workload of Alauda's own figure (its
// test/e2e/perf/perf.go: "5k rules 87 ms" to generate the policy, each Rule `URL EQ /rule-i`; its forward auth is left
// out here: ALB refuses auth until it is implemented). Cold = every object new (nothing cached, as at start-up);
// warm = one Rule changed (a rebuild in steady state); "+ rule tables" adds compiling the listeners' rule tables
// as the data plane does, so the total is the full cost of a config change.
import { createRuleTable } from '@alb/dslx';
import type { KubeObject } from '../src/objects/kube-object.ts';
import type { Snapshot } from '../src/objects/object-store.ts';
import { buildPolicy } from '../src/policy/build-policy.ts';

const ruleCount = Number(process.env.RULES ?? 5000);
const goReferenceMs = 87;

function objects(count: number, salt: string): Snapshot {
  const alb: KubeObject = {
    apiVersion: 'crd.alauda.io/v2beta1',
    kind: 'ALB2',
    metadata: { name: 'bench', namespace: 'kube-system' },
    spec: { type: 'nginx' },
  };
  const frontend: KubeObject = {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Frontend',
    metadata: { name: 'bench-00080', namespace: 'kube-system', labels: { 'alb2.cpaas.io/name': 'bench' } },
    spec: { port: 80, protocol: 'http' },
  };
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'echo', namespace: 'default' },
    spec: { ports: [{ port: 80, targetPort: 8080 }] },
  };
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'echo-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'echo' } },
    ports: [{ port: 8080 }],
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }],
  };
  const rules: KubeObject[] = [];
  for (let i = 0; i < count; i++)
    rules.push({
      apiVersion: 'crd.alauda.io/v1',
      kind: 'Rule',
      metadata: {
        name: `rule-${String(i).padStart(5, '0')}${salt}`,
        namespace: 'kube-system',
        labels: { 'alb2.cpaas.io/name': 'bench', 'alb2.cpaas.io/frontend': 'bench-00080' },
      },
      spec: {
        priority: 5,
        dslx: [{ type: 'URL', values: [['EQ', `/rule-${i}`]] }],
        serviceGroup: { services: [{ name: 'echo', namespace: 'default', port: 80, weight: 100 }] },
      },
    });
  return new Map([
    ['ALB2', [alb]],
    ['Frontend', [frontend]],
    ['Service', [service]],
    ['EndpointSlice', [slice]],
    ['Rule', rules],
  ]);
}

function withOneRuleChanged(snapshot: Snapshot, round: number): Snapshot {
  const rules = [...snapshot.get('Rule')!];
  const changed = rules[round % rules.length]!;
  rules[round % rules.length] = { ...changed, spec: { ...(changed.spec as object), priority: 4 + (round % 2) } };
  return new Map([...snapshot, ['Rule', rules]]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function compileTables(snapshot: Snapshot): void {
  const { config, diagnostics } = buildPolicy(snapshot, { albName: 'bench' });
  if (diagnostics.length > 0) throw new Error(`unexpected diagnostics: ${diagnostics[0]!.message}`);
  for (const listener of config.listeners) createRuleTable(listener.rules);
}

const runs = 15;
const cold: number[] = [];
const coldWithTables: number[] = [];
const warm: number[] = [];
let served = 0;
for (let r = 0; r < runs; r++) {
  // Alternate the measured variants so machine noise hits them alike.
  const fresh = objects(ruleCount, `-${r}`);
  cold.push(time(() => (served = buildPolicy(fresh, { albName: 'bench' }).config.listeners[0]!.rules.length)));
  const fresh2 = objects(ruleCount, `-b${r}`);
  coldWithTables.push(time(() => compileTables(fresh2)));
  const base = objects(ruleCount, '');
  buildPolicy(base, { albName: 'bench' });
  const next = withOneRuleChanged(base, r);
  warm.push(time(() => buildPolicy(next, { albName: 'bench' })));
}
if (served !== ruleCount) throw new Error(`expected ${ruleCount} rules served, got ${served}`);

console.log(`Policy build, ${ruleCount.toLocaleString('en')} Rules (URL EQ), median of ${runs} runs\n`);
console.log('| variant | median | vs Alauda Go (87 ms, published) |');
console.log('| ------- | -----: | ------------------------------: |');
for (const [name, values] of [
  ['cold (every object new)', cold],
  ['cold + rule tables compiled', coldWithTables],
  ['warm (one Rule changed)', warm],
] as const) {
  const ms = median(values);
  console.log(`| ${name} | ${ms.toFixed(1)} ms | ${(goReferenceMs / ms).toFixed(1)}x faster |`);
}
console.log('\nThe Go figure is a code comment in Alauda ALB (test/e2e/perf/perf.go), not measured in this run.');
