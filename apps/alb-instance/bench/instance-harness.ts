// The bundled instance in file mode as benchmarks drive it: a directory of manifests, the process (and its data
// plane workers), readiness, routing probes, and memory read from /proc (Linux only).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundle `npm run build` makes (`nx run @alb/alb-instance:build`); ALB_BENCH_MAIN runs another (A/B runs). */
export const bundledMain = process.env.ALB_BENCH_MAIN ?? fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The Node flags the launcher (bin/alb-instance.js) and the image run the bundle with. */
export const launcherNodeArgs = ['--max-semi-space-size=4', '--expose-gc', '--disable-sigusr1'];

export async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const frontendName = (port: number) => `bench-${String(port).padStart(5, '0')}`;

/** A Rule routing HOST `<name>.example.com` + URL prefix `path` on the bench Frontend of `port`. */
export function ruleYaml(name: string, port: number, path: string): string {
  return `apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: ${name}, namespace: kube-system, labels: { alb2.cpaas.io/name: bench, alb2.cpaas.io/frontend: ${frontendName(port)} } }
spec:
  priority: 5
  dslx: [{ type: URL, values: [[PATH_PREFIX, ${path}]] }, { type: HOST, values: [[EQ, ${name}.example.com]] }]
  serviceGroup: { services: [{ name: echo, namespace: default, port: 80, weight: 100 }] }
`;
}

/**
 * Writes an instance's directory: the ALB2, one http Frontend on `port`, the Service `echo` (an EndpointSlice to
 * `backendPort` on loopback) in `alb.yaml`, and `rules` Rules `r<i>` (`/app-<i>`), 100 per file as a GitOps
 * repository would split them.
 */
export function writeInstanceDir(dir: string, options: { port: number; backendPort: number; rules: number }): void {
  const { port, backendPort, rules } = options;
  writeFileSync(
    join(dir, 'alb.yaml'),
    `apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: bench, namespace: kube-system }
spec: { type: nginx }
---
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: ${frontendName(port)}, namespace: kube-system, labels: { alb2.cpaas.io/name: bench } }
spec: { port: ${port}, protocol: http }
---
apiVersion: v1
kind: Service
metadata: { name: echo, namespace: default }
spec: { ports: [{ port: 80, targetPort: ${backendPort} }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: echo-1, namespace: default, labels: { kubernetes.io/service-name: echo } }
addressType: IPv4
ports: [{ port: ${backendPort} }]
endpoints: [{ addresses: [127.0.0.1] }]
`,
  );
  for (let file = 0; file * 100 < rules; file++) {
    const docs: string[] = [];
    for (let i = file * 100; i < Math.min(rules, (file + 1) * 100); i++)
      docs.push(ruleYaml(`r${i}`, port, `/app-${i}`));
    writeFileSync(join(dir, `rules-${file}.yaml`), docs.join('---\n'));
  }
}

export type RunningInstance = { child: ChildProcess; opsPort: number; startedAt: number };

/** Starts the bundle on `dir` as the launcher would (its Node flags), `--workers N`, logging warnings only. */
export function startBundledInstance(dir: string, options: { opsPort: number; workers: number }): RunningInstance {
  const args = [
    ...launcherNodeArgs,
    // Extra Node/V8 flags to try (ALB_BENCH_NODE_ARGS='--heap-growing-percent=30 ...').
    ...(process.env.ALB_BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
    bundledMain,
    ...['--dir', dir, '--workers', String(options.workers), '--ops-port', String(options.opsPort)],
    ...['--log-level', 'warn'],
    // Extra instance options to try (ALB_BENCH_INSTANCE_ARGS='--burst-memory-budget 96').
    ...(process.env.ALB_BENCH_INSTANCE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
  ];
  const startedAt = Date.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  return { child, opsPort: options.opsPort, startedAt };
}

export async function stopInstance(instance: RunningInstance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill('SIGTERM');
  await once(instance.child, 'exit');
}

/** GET on loopback: status and body ('' and 0 when the connection fails). */
export function httpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

/** Waits for /readyz to answer 200 (at most `timeoutMs`); resolves with the time since the start. */
export async function untilReady(instance: RunningInstance, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while ((await httpGet(instance.opsPort, '/readyz')).status !== 200) {
    if (instance.child.exitCode !== null) throw new Error(`the instance exited (code ${instance.child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`the instance was not ready within ${timeoutMs} ms`);
    await sleep(20);
  }
  return Date.now() - instance.startedAt;
}

/** Waits until `GET path` with `host` answers 200 with `body` (polling every millisecond). */
export async function untilRouted(port: number, path: string, host: string, body: string): Promise<void> {
  for (;;) {
    const res = await httpGet(port, path, { host });
    if (res.status === 200 && res.body === body) return;
    await sleep(1);
  }
}

/** A gauge or counter from the instance's /metrics (NaN when absent). */
export async function metricValue(opsPort: number, name: string): Promise<number> {
  const { body } = await httpGet(opsPort, '/metrics');
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(body);
  return match === null ? NaN : Number(match[1]);
}

/** `pid` and every process below it (data-plane workers are forked children of the instance). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      let list = children.get(ppid);
      if (list === undefined) children.set(ppid, (list = []));
      list.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  const tree: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const next = stack.pop()!;
    tree.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** A `Vm*` field of /proc/<pid>/status in MiB (0 for a process that is gone). */
function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) / 1024;
  } catch {
    return 0;
  }
}

/** Resident memory of the instance: the sum over its processes (the main one and any worker processes). */
export function treeRssMiB(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + statusMiB(p, 'VmRSS'), 0);
}

/**
 * The sum of each process's peak resident memory (VmHWM) since `resetTreePeaks`: exact with one process, an
 * upper bound with workers (their peaks need not coincide).
 */
export function treePeakMiB(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + statusMiB(p, 'VmHWM'), 0);
}

/** CPU time (user + system, all threads) the instance's processes have used so far, in seconds (USER_HZ = 100). */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100;
}

/** Restarts each process's VmHWM from its current RSS (`5` to /proc/<pid>/clear_refs; our own children only). */
export function resetTreePeaks(pid: number): void {
  for (const p of processTree(pid)) writeFileSync(`/proc/${p}/clear_refs`, '5');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
