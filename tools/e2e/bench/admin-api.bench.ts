// npm run bench:admin-api: latency of the admin API's create-Frontend and list calls with 50 concurrent clients,
// in file mode (a directory) and kube mode (a real kube-apiserver), against a reference measured in the same run:
// file mode, GET /healthz through the same HTTP stack; kube mode, the same list asked of the API server directly.
// Rounds alternate; the table shows the median of the rounds' p50 and p99.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeRequest, renderKubeconfig, startTestEnv, type TestEnv } from '@alb/kube-testenv';
import { installCrds, yaml, type Manifest } from '../src/cluster.ts';
import { freePort } from '../src/instance-process.ts';

const clients = 50;
const perClient = Number(process.env.PER_CLIENT ?? 10);
const rounds = Number(process.env.ROUNDS ?? 3);
const main = new URL('../../../apps/admin-api/dist/main.js', import.meta.url).pathname;
const deploy = new URL('../../../deploy/admin-api/', import.meta.url);

type Stats = { p50: number; p99: number; errors: number };

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `clients` loops of `perClient` calls each; latencies in ms. */
async function load(call: (client: number, i: number) => Promise<number>): Promise<Stats> {
  const times: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < perClient; i++) {
        const start = performance.now();
        const status = await call(client, i).catch(() => 0);
        times.push(performance.now() - start);
        if (status < 200 || status >= 300) errors++;
      }
    }),
  );
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), errors };
}

async function http(url: string, method: string, token: string | null, body?: unknown): Promise<number> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const answer = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  await answer.arrayBuffer();
  return answer.status;
}

async function startApi(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [main, '--port', String(port), '--rate-limit', '100000', '--rate-burst', '100000', '--log-level', 'warn', ...args],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null || i > 400) throw new Error('alb-admin-api did not start (npm run build first?)');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

type Row = { mode: string; call: string; p50: number; p99: number; errors: number; ref: string; refP50: number };
const rows: Row[] = [];

/**
 * Alternates the reference, creates and lists. Each round works on an ALB of its own (lb0, lb1, ...), so every
 * round starts from the same state: `clients * perClient` Frontends created, then listed (filtered to that ALB).
 */
async function measure(
  mode: string,
  url: string,
  token: string,
  reference: { name: string; call: () => Promise<number> },
): Promise<void> {
  const creates: Stats[] = [];
  const lists: Stats[] = [];
  const refs: Stats[] = [];
  for (let round = 0; round < rounds; round++) {
    refs.push(await load(() => reference.call()));
    creates.push(
      await load(() =>
        http(`${url}/v1/projects/p1/frontends`, 'POST', token, {
          alb: { namespace: 'albs', name: `lb${round}` },
          spec: { protocol: 'http' },
        }),
      ),
    );
    lists.push(await load(() => http(`${url}/v1/projects/p1/frontends?alb=albs/lb${round}`, 'GET', token)));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const refP50 = median(refs.map((s) => s.p50));
  for (const [name, stats] of [
    [`create Frontend (up to ${clients * perClient} on the ALB)`, creates],
    [`list Frontends (${clients * perClient})`, lists],
  ] as const)
    rows.push({
      mode,
      call: name,
      p50: median(stats.map((s) => s.p50)),
      p99: median(stats.map((s) => s.p99)),
      errors: stats.reduce((sum, s) => sum + s.errors, 0),
      ref: reference.name,
      refP50,
    });
}

const albYaml = Array.from(
  { length: rounds },
  (_, i) => `apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: lb${i}, namespace: albs }
spec: { type: nginx, config: { enablePortProject: true, portProjects: '[{"port":"20000-29999","projects":["p1"]}]' } }
`,
).join('---\n');

// --- file mode ---
{
  const dir = mkdtempSync(join(tmpdir(), 'alb-admin-bench-'));
  writeFileSync(join(dir, 'alb.yaml'), albYaml);
  writeFileSync(join(dir, 'tokens.csv.txt'), 'bench-token,bench,bench,"alb:project:p1"\n');
  const api = await startApi(['--source', 'file', '--dir', dir, '--tokens', join(dir, 'tokens.csv.txt')]);
  try {
    await measure('file', api.url, 'bench-token', {
      name: 'GET /healthz',
      call: () => http(`${api.url}/healthz`, 'GET', null),
    });
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- kube mode ---
{
  const env: TestEnv = await startTestEnv({ users: [{ name: 'bench', groups: ['team-a'] }] });
  try {
    await installCrds(env);
    const objects = [
      ...yaml(
        'apiVersion: v1\nkind: Namespace\nmetadata: { name: alb-system }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: albs }',
      ),
      ...yaml(readFileSync(new URL('rbac.yaml', deploy), 'utf8')),
      ...yaml(readFileSync(new URL('project-member-example.yaml', deploy), 'utf8')),
      ...yaml(albYaml),
    ];
    const paths: Record<string, (o: Manifest) => string> = {
      Namespace: () => '/api/v1/namespaces',
      ServiceAccount: (o) => `/api/v1/namespaces/${o.metadata.namespace}/serviceaccounts`,
      ClusterRole: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      ClusterRoleBinding: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      ALB2: (o) => `/apis/crd.alauda.io/v2beta1/namespaces/${o.metadata.namespace}/alaudaloadbalancer2`,
    };
    for (const object of objects) {
      const created = await kubeRequest(env, { method: 'POST', path: paths[object.kind]!(object), body: object });
      if (created.status !== 201)
        throw new Error(`${object.kind} ${object.metadata.name}: ${created.status} ${created.text}`);
    }
    const tokenRequest = await kubeRequest(env, {
      method: 'POST',
      path: '/api/v1/namespaces/alb-system/serviceaccounts/alb-admin-api/token',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    const saToken = (tokenRequest.json as { status: { token: string } }).status.token;
    const kubeconfig = join(env.dir!, 'admin-api.kubeconfig');
    writeFileSync(
      kubeconfig,
      renderKubeconfig({ server: env.server, token: saToken, ...(env.caData !== undefined && { caData: env.caData }) }),
    );
    const api = await startApi(['--source', 'kube', '--kubeconfig', kubeconfig]);
    try {
      const direct =
        '/apis/crd.alauda.io/v1/namespaces/albs/frontends?labelSelector=project.cpaas.io%2Fp1%3Dtrue,alb2.cpaas.io%2Fname%3Dlb0';
      await measure('kube', api.url, env.userTokens.bench!, {
        name: 'the same list, API server direct',
        call: () => kubeRequest(env, { path: direct }).then((r) => r.status),
      });
    } finally {
      await api.stop();
    }
  } finally {
    await env.stop();
  }
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
console.log(
  `\nalb-admin-api, ${clients} concurrent clients, ${perClient} calls each per round, ${rounds} rounds (medians)\n`,
);
console.log('| mode | call | p50 | p99 | errors | reference (p50) | p50 / reference |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.mode} | ${r.call} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors} | ${r.ref} (${ms(r.refP50)}) | ${(r.p50 / r.refP50).toFixed(1)}x |`,
  );
