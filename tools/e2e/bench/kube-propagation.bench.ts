// npm run bench:propagation -- --source kube: time from creating or editing a Rule in a real kube-apiserver to
// the first request it routes, with 10 and 1k Rules loaded (median and p99), and the instance's RSS.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startTestEnv } from '@alb/kube-testenv';
import { apply, installCrds, yaml, type Manifest } from '../src/cluster.ts';
import { freePort } from '../src/instance-process.ts';
import { backendAddress, execInTestNetns, insideTestNetns } from '../src/test-netns.ts';

// Like the e2e tests, in a network namespace of its own (the backend's address is there, nowhere else).
if (!insideTestNetns()) {
  await execInTestNetns([
    process.execPath,
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
  ]);
}

const sizes = [10, 1_000];
const samples = Number(process.env.SAMPLES ?? 40);
const main = new URL('../../../apps/alb-instance/dist/main.js', import.meta.url).pathname;

function ask(port: number, path: string, host: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body : ''));
    });
    req.on('error', () => resolve(''));
    req.end();
  });
}

const env = await startTestEnv();
try {
  await installCrds(env);
  const address = backendAddress();
  const backend = createServer((req, res) => res.end(req.url ?? '')).listen(0, address);
  await once(backend, 'listening');
  const backendPort = (backend.address() as AddressInfo).port;
  await apply(
    env,
    ...yaml(`apiVersion: v1
kind: Service
metadata: { name: echo, namespace: default }
spec: { ports: [{ port: 80, targetPort: ${backendPort} }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: echo-1, namespace: default, labels: { kubernetes.io/service-name: echo } }
addressType: IPv4
ports: [{ port: ${backendPort} }]
endpoints: [{ addresses: [${address}] }]`),
  );
  const rows: Array<{ rules: number; median: number; p99: number; max: number; rssMb: number }> = [];
  for (const size of sizes) {
    const alb = `bench-${size}`;
    const port = await freePort();
    const opsPort = await freePort();
    const ft = `${alb}-${String(port).padStart(5, '0')}`;
    const rule = (name: string, path: string): Manifest =>
      yaml(`apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: ${name}, namespace: default, labels: { alb2.cpaas.io/name: ${alb}, alb2.cpaas.io/frontend: ${ft} } }
spec:
  priority: 5
  dslx: [{ type: URL, values: [[PATH_PREFIX, ${path}]] }, { type: HOST, values: [[EQ, ${name}.example.com]] }]
  serviceGroup: { services: [{ name: echo, namespace: default, port: 80, weight: 100 }] }`)[0]!;
    await apply(
      env,
      ...yaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: ${alb}, namespace: default }
spec: { type: nginx }
---
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: ${ft}, namespace: default, labels: { alb2.cpaas.io/name: ${alb} } }
spec: { port: ${port}, protocol: http }`),
    );
    const loaded: Manifest[] = [];
    for (let i = 0; i < size; i++) loaded.push(rule(`${alb}-r${i}`, `/app-${i}`));
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < loaded.length; i += 8) await apply(env, loaded[i]!);
      }),
    );
    const child = spawn(
      process.execPath,
      [
        '--max-semi-space-size=4',
        '--expose-gc',
        main,
        '--source',
        'kube',
        '--kubeconfig',
        env.kubeconfigPath,
        '--alb',
        alb,
        '--namespace',
        'default',
        '--bind',
        '127.0.0.1',
        '--workers',
        '1',
        '--ops-port',
        String(opsPort),
        '--log-level',
        'warn',
      ],
      { stdio: 'ignore' },
    );
    while ((await ask(opsPort, '/readyz', 'x')) === '') await new Promise((r) => setTimeout(r, 50));
    const times: number[] = [];
    for (let s = 0; s < samples; s++) {
      // Alternate: create a new Rule, then edit an existing one to a new path.
      const name = s % 2 === 0 ? `${alb}-probe${s}` : `${alb}-r${s % size}`;
      const path = `/probe-${s}`;
      const started = performance.now();
      await apply(env, rule(name, path));
      while ((await ask(port, path, `${name}.example.com`)) !== path) await new Promise((r) => setTimeout(r, 1));
      times.push(performance.now() - started);
    }
    const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
    child.kill('SIGTERM');
    await once(child, 'exit');
    times.sort((a, b) => a - b);
    rows.push({
      rules: size,
      median: times[Math.floor(times.length / 2)]!,
      p99: times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)]!,
      max: times.at(-1)!,
      rssMb,
    });
  }
  backend.close();
  console.log(
    `alb-instance propagation (kube source, real kube-apiserver ${env.versions?.kubernetes}, ${samples} samples, half creates half edits)\n`,
  );
  console.log('| Rules loaded | median | p99 | max | RSS |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.rules} | ${r.median.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${r.max.toFixed(0)} ms | ${r.rssMb.toFixed(0)} MB |`,
    );
  const at1k = rows.find((r) => r.rules === 1000)!;
  console.log(
    `\ntarget:\n  ${at1k.p99 < 300 ? 'met ' : 'MISS'}  p99 under 300 ms at 1k Rules (${at1k.p99.toFixed(0)} ms; the time includes the API write)`,
  );
} finally {
  await env.stop();
}
