// npm run bench:operator: the operator (its bundle, through node_modules/.bin/alb-operator) reconciling N ALB2s from cold on a
// control plane that runs Deployments (kube-testenv with controllers, KWOK nodes): time until every ALB2 is
// Running, API writes per ALB2, the operator's RSS; then the steady state: writes per minute when nothing changes.
// References measured in the same run: the same N Deployments created directly (no operator) until all available,
// and the fewest writes an ALB2 could cost.
//   ALBS=100 ROUNDS=2 STEADY_SECONDS=60 npm run bench:operator
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { startTestEnv, kubeRequest, type TestEnv } from '@alb/kube-testenv';
import { apply, installCrds, yaml } from '../src/cluster.ts';
import { freePort, httpGet } from '../src/instance-process.ts';
import { apiWrites, operatorMetrics } from '../src/operator-metrics.ts';

const albs = Number(process.env.ALBS ?? 100);
const rounds = Number(process.env.ROUNDS ?? 2);
const steadySeconds = Number(process.env.STEADY_SECONDS ?? 60);
// The launcher users run (node_modules/.bin/alb-operator): the bundle with its V8 flags, in the same process.
const operatorMain = new URL('../../../apps/operator/bin/alb-operator.js', import.meta.url).pathname;

/**
 * The fewest writes one container-mode ALB2 could cost: our labels and finalizer on it, 7 children (ServiceAccount,
 * RoleBinding, ClusterRoleBinding, two Services, Deployment, IngressClass) and one status (if it were Running at
 * once; usually a rollout status comes first).
 */
const minimumWrites = 1 + 7 + 1;

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs `tasks` with at most `width` in flight. */
async function pool<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

async function post(env: TestEnv, path: string, body: unknown): Promise<void> {
  const res = await kubeRequest(env, { method: 'POST', path, body });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.text.slice(0, 300)}`);
}

async function items(env: TestEnv, path: string): Promise<Array<{ status?: Record<string, unknown> }>> {
  const res = await kubeRequest(env, { path, timeoutMs: 60_000 });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  return (res.json as { items: Array<{ status?: Record<string, unknown> }> }).items;
}

const metrics = operatorMetrics;
const writesOf = apiWrites;

/** Peak resident memory (VmHWM) of a process, in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The reference: N Deployments like the operator's, created directly, until every one is available. */
async function directRound(env: TestEnv, ns: string): Promise<number> {
  await post(env, '/api/v1/namespaces', { metadata: { name: ns } });
  const started = Date.now();
  await pool(
    Array.from({ length: albs }, (_, i) => () => {
      const labels = { service_name: `alb2-d${i}` };
      return post(env, `/apis/apps/v1/namespaces/${ns}/deployments`, {
        metadata: { name: `d${i}` },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'alb', image: 'alb-instance:0.1.0' }] } },
        },
      });
    }),
    8,
  );
  await until(
    `${albs} Deployments available`,
    async () =>
      (await items(env, `/apis/apps/v1/namespaces/${ns}/deployments`)).filter(
        (d) => (d.status as { availableReplicas?: number } | undefined)?.availableReplicas === 1,
      ).length === albs,
    600_000,
  );
  return (Date.now() - started) / 1000;
}

type OperatorRound = {
  seconds: number;
  writes: number;
  byVerb: string;
  rssMb: number;
  heapMb: number;
  peakMb: number;
};

async function startOperator(env: TestEnv): Promise<{ child: ChildProcess; opsPort: number }> {
  const opsPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      operatorMain,
      '--kubeconfig',
      env.kubeconfigPath,
      '--leader-elect',
      'false',
      '--ops-port',
      String(opsPort),
      '--ops-bind',
      '127.0.0.1',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await until(
    'the operator ready',
    async () => (await httpGet(opsPort, '/readyz').catch(() => ({ status: 0 }))).status === 200,
    60_000,
  );
  return { child, opsPort };
}

async function operatorRound(
  env: TestEnv,
  ns: string,
): Promise<OperatorRound & { op: { child: ChildProcess; opsPort: number } }> {
  await post(env, '/api/v1/namespaces', { metadata: { name: ns } });
  const op = await startOperator(env);
  const started = Date.now();
  await pool(
    Array.from(
      { length: albs },
      (_, i) => () =>
        post(env, `/apis/crd.alauda.io/v2beta1/namespaces/${ns}/alaudaloadbalancer2`, {
          apiVersion: 'crd.alauda.io/v2beta1',
          kind: 'ALB2',
          metadata: { name: `alb-${i}` },
          spec: { type: 'nginx', config: { networkMode: 'container', replicas: 1 } },
        }),
    ),
    8,
  );
  let shown = Date.now();
  await until(
    `${albs} ALB2s Running`,
    async () => {
      const list = await items(env, `/apis/crd.alauda.io/v2beta1/namespaces/${ns}/alaudaloadbalancer2`);
      const states = new Map<string, number>();
      for (const a of list) {
        const state = (a.status as { state?: string } | undefined)?.state ?? 'none';
        states.set(state, (states.get(state) ?? 0) + 1);
      }
      if (process.env.PROGRESS && Date.now() - shown > 5000) {
        shown = Date.now();
        const m = await metrics(op.opsPort);
        console.error(
          `  ${((Date.now() - started) / 1000).toFixed(0)} s: ${[...states].map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
            `reconciles ${m['alb_operator_reconciles_total{result="ok"}']}, writes ${writesOf(m)}, queue ${m['alb_operator_queue_depth']}`,
        );
      }
      return states.get('Running') === albs;
    },
    900_000,
  );
  const seconds = (Date.now() - started) / 1000;
  // Let the last status writes land before counting.
  await new Promise((r) => setTimeout(r, 2000));
  const m = await metrics(op.opsPort);
  const byVerb = Object.entries(m)
    .filter(([k]) => k.startsWith('alb_operator_api_writes_total'))
    .map(([k, v]) => `${/verb="(\w+)"/.exec(k)?.[1]} ${(v / albs).toFixed(2)}`)
    .join(', ');
  return {
    seconds,
    writes: writesOf(m) / albs,
    byVerb,
    rssMb: (m['process_resident_memory_bytes'] ?? 0) / 2 ** 20,
    heapMb: (m['nodejs_heap_used_bytes'] ?? 0) / 2 ** 20,
    peakMb: peakRssMb(op.child.pid!),
    op,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Deletes a namespace and waits until it is gone (its Pods too), so rounds do not fill the nodes up. */
async function deleteNamespace(env: TestEnv, ns: string): Promise<void> {
  await kubeRequest(env, { method: 'DELETE', path: `/api/v1/namespaces/${ns}` });
  await until(
    `namespace ${ns} deleted`,
    async () => (await kubeRequest(env, { path: `/api/v1/namespaces/${ns}` })).status === 404,
    600_000,
  );
}

const env = await startTestEnv({ controllers: { nodes: 3 } });
try {
  await installCrds(env);
  await apply(
    env,
    ...yaml(readFileSync(new URL('../../../deploy/operator/instance-rbac.yaml', import.meta.url), 'utf8')),
  );
  const direct: number[] = [];
  const reconciled: OperatorRound[] = [];
  let last: { child: ChildProcess; opsPort: number } | null = null;
  for (let r = 0; r < rounds; r++) {
    // Alternate, so a machine getting busier or quieter shows in both.
    direct.push(await directRound(env, `bench-direct-${r}`));
    await deleteNamespace(env, `bench-direct-${r}`);
    if (last !== null) {
      // The previous round's ALB2s go first, while its operator still runs to remove their finalizers.
      await deleteNamespace(env, `bench-op-${r - 1}`);
      last.child.kill('SIGTERM');
      await once(last.child, 'exit');
    }
    const round = await operatorRound(env, `bench-op-${r}`);
    reconciled.push(round);
    last = round.op;
    console.error(
      `round ${r + 1}/${rounds}: direct ${direct.at(-1)!.toFixed(1)} s, operator ${round.seconds.toFixed(1)} s, ${round.writes.toFixed(2)} writes/ALB2`,
    );
  }
  // Steady state on the last operator (every ALB2 of every round Running, nothing changing).
  const before = writesOf(await metrics(last!.opsPort));
  await new Promise((r) => setTimeout(r, steadySeconds * 1000));
  const after = await metrics(last!.opsPort);
  const steadyPerMinute = ((writesOf(after) - before) * 60) / steadySeconds;
  last!.child.kill('SIGTERM');
  await once(last!.child, 'exit');

  const seconds = median(reconciled.map((r) => r.seconds));
  const directSeconds = median(direct);
  const writes = median(reconciled.map((r) => r.writes));
  const rows = [
    ['ALB2s reconciled from cold', `${albs} (container mode, 1 replica each, 3 KWOK nodes)`, ''],
    [
      'time to all Running (median)',
      `${seconds.toFixed(1)} s`,
      `${(seconds / directSeconds).toFixed(2)}x the same Deployments created directly (${directSeconds.toFixed(1)} s)`,
    ],
    [
      'API writes per ALB2 (median)',
      writes.toFixed(2),
      `${(writes / minimumWrites).toFixed(2)}x the minimum (${minimumWrites}); ${reconciled.at(-1)!.byVerb}`,
    ],
    [
      'operator RSS after reconciling',
      `${median(reconciled.map((r) => r.rssMb)).toFixed(0)} MB`,
      `peak ${median(reconciled.map((r) => r.peakMb)).toFixed(0)} MB, V8 heap in use ${median(reconciled.map((r) => r.heapMb)).toFixed(0)} MB`,
    ],
    [
      'steady state, nothing changing',
      `${steadyPerMinute.toFixed(1)} writes/min`,
      `over ${steadySeconds} s with ${albs} ALB2s Running`,
    ],
  ];
  const widths = [0, 1, 2].map((c) =>
    Math.max(...rows.map((row) => row[c]!.length), ['measure', 'value', 'reference'][c]!.length),
  );
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(['measure', 'value', 'reference']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log(`\n${rounds} rounds, alternating; ${new Date().toISOString()}`);
} finally {
  await env.stop();
}
