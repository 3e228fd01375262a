// npm run bench:propagation -- time from a file write to the first request the new rule routes, with 10, 1k and
// 10k rules loaded (median and p99), and the instance's RSS at each size. Runs the bundled instance (npm run build).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.argv.includes('--source') && process.argv[process.argv.indexOf('--source') + 1] === 'kube') {
  // The kube variant needs a real API server (tools/kube-testenv), which an app must not import: run it apart.
  const kube = fileURLToPath(new URL('../../../tools/e2e/bench/kube-propagation.bench.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@alb/source', kube], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  process.exit(code ?? 1);
}

const sizes = [10, 1_000, 10_000];
const samples = Number(process.env.SAMPLES ?? 40);
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const rule = (name: string, port: number, path: string, service: string) => `apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: ${name}, namespace: kube-system, labels: { alb2.cpaas.io/name: bench, alb2.cpaas.io/frontend: bench-${String(port).padStart(5, '0')} } }
spec:
  priority: 5
  dslx: [{ type: URL, values: [[PATH_PREFIX, ${path}]] }, { type: HOST, values: [[EQ, ${name}.example.com]] }]
  serviceGroup: { services: [{ name: ${service}, namespace: default, port: 80, weight: 100 }] }
`;

const backend = createServer((req, res) => res.end(req.url?.startsWith('/probe') ? 'probe' : 'other')).listen(
  0,
  '127.0.0.1',
);
await once(backend, 'listening');
const backendPort = (backend.address() as AddressInfo).port;
const service = `apiVersion: v1
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
`;

type Row = {
  rules: number;
  median: number;
  p99: number;
  max: number;
  rssMb: number;
  settledRssMb: number;
  peakRssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  loadMs: number;
};

/** A gauge from the instance's /metrics, in MB. */
async function metricMb(opsPort: number, name: string): Promise<number> {
  const text = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: opsPort, path: '/metrics', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match === null ? NaN : Number(match[1]) / 2 ** 20;
}
const rows: Row[] = [];
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'alb-propagation-'));
  const port = await freePort();
  const opsPort = await freePort();
  writeFileSync(
    join(dir, 'alb.yaml'),
    `apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: bench, namespace: kube-system }
spec: { type: nginx }
---
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: bench-${String(port).padStart(5, '0')}, namespace: kube-system, labels: { alb2.cpaas.io/name: bench } }
spec: { port: ${port}, protocol: http }
---
${service}`,
  );
  // The loaded rules, 100 per file (as a GitOps repository would split them).
  for (let file = 0; file * 100 < size; file++) {
    const docs: string[] = [];
    for (let i = file * 100; i < Math.min(size, (file + 1) * 100); i++)
      docs.push(rule(`r${i}`, port, `/app-${i}`, 'echo'));
    writeFileSync(join(dir, `rules-${file}.yaml`), docs.join('---\n'));
  }
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      // As the launcher runs it.
      '--max-semi-space-size=4',
      '--expose-gc',
      main,
      '--dir',
      dir,
      '--workers',
      '1',
      '--ops-port',
      String(opsPort),
      '--log-level',
      'warn',
    ],
    { stdio: 'ignore' },
  );
  for (;;) {
    const ready = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port: opsPort, path: '/readyz', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ready) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const loadMs = Date.now() - started;
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const name = `probe${s}`;
    const t0 = performance.now();
    writeFileSync(join(dir, `probe-${s}.yaml`), rule(name, port, `/probe-${s}`, 'echo'));
    for (;;) {
      const body = await new Promise<string>((resolve) => {
        const req = request(
          { host: '127.0.0.1', port, path: `/probe-${s}`, headers: { host: `${name}.example.com` }, agent: false },
          (res) => {
            let b = '';
            res.on('data', (c: Buffer) => (b += c));
            res.on('end', () => resolve(res.statusCode === 200 ? b : ''));
          },
        );
        req.on('error', () => resolve(''));
        req.end();
      });
      if (body === 'probe') break;
      await new Promise((r) => setTimeout(r, 1));
    }
    times.push(performance.now() - t0);
  }
  const statusMb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
  const rssMb = statusMb('VmRSS');
  // Settled: once changes stop, the instance gives memory back (memory-trim.ts, 2 s after the last apply).
  await new Promise((r) => setTimeout(r, 4000));
  const settledRssMb = statusMb('VmRSS');
  const peakRssMb = statusMb('VmHWM');
  const heapUsedMb = await metricMb(opsPort, 'nodejs_heap_used_bytes');
  const heapTotalMb = await metricMb(opsPort, 'nodejs_heap_total_bytes');
  child.kill('SIGTERM');
  await once(child, 'exit');
  rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  rows.push({
    rules: size,
    median: times[Math.floor(times.length / 2)]!,
    p99: times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)]!,
    max: times.at(-1)!,
    rssMb,
    settledRssMb,
    peakRssMb,
    heapUsedMb,
    heapTotalMb,
    loadMs,
  });
}
backend.close();

console.log(`alb-instance propagation (file source, ${samples} samples per size, node ${process.version})\n`);
console.log(
  '| rules loaded | median | p99 | max | RSS right after | RSS settled | peak RSS | heap used / total | initial load |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const mb = (value: number) => `${value.toFixed(0)} MB`;
for (const r of rows)
  console.log(
    `| ${r.rules} | ${r.median.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${r.max.toFixed(0)} ms | ${mb(r.rssMb)} | ` +
      `${mb(r.settledRssMb)} | ${mb(r.peakRssMb)} | ${r.heapUsedMb.toFixed(0)} / ${mb(r.heapTotalMb)} | ${r.loadMs} ms |`,
  );
const at = (n: number) => rows.find((r) => r.rules === n)!;
console.log('\ntargets:');
console.log(`  ${at(1000).p99 < 200 ? 'met ' : 'MISS'}  p99 under 200 ms at 1k rules (${at(1000).p99.toFixed(0)} ms)`);
console.log(`  ${at(10000).p99 < 1000 ? 'met ' : 'MISS'}  p99 under 1 s at 10k rules (${at(10000).p99.toFixed(0)} ms)`);
console.log(
  `  ${at(10000).settledRssMb < 300 ? 'met ' : 'MISS'}  RSS under 300 MB at 10k rules, settled ` +
    `(${mb(at(10000).settledRssMb)}; right after the last change ${mb(at(10000).rssMb)}, peak ${mb(at(10000).peakRssMb)})`,
);
console.log('  (Alauda ALB: up to ~7 s, its 5 s + 1 s + 1 s push loop)');
