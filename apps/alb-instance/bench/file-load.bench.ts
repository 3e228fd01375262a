// npm run bench-file-load (in apps/alb-instance): one manifest file of N Rules read by the file source into the
// object store, as at start-up or when a big file changes. Prints the time, the time per 1k objects (flat when
// loading is linear) and the longest the event loop was held meanwhile (what a data plane sharing the process,
// `--workers 1`, would wait; wall and CPU time), for 10k, 40k and 80k objects. SIZES=10000,20000 picks others.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from '../src/objects/object-store.ts';
import { FileSource } from '../src/sources/file-source.ts';

const sizes = (process.env.SIZES ?? '10000,40000,80000').split(',').map(Number);

function rules(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++)
    docs.push(`apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: rule-${i}, namespace: kube-system, labels: { alb2.cpaas.io/name: bench, alb2.cpaas.io/frontend: bench-00080 } }
spec:
  priority: 5
  dslx: [{ type: URL, values: [[EQ, /rule-${i}]] }]
  serviceGroup: { services: [{ name: echo, namespace: default, port: 80, weight: 100 }] }
`);
  return docs.join('---\n');
}

/**
 * Runs `work`, measuring the longest gap between two turns of the event loop, in wall time and in CPU time used by
 * the process meanwhile (on a busy machine the wall time also counts time the process was not scheduled).
 */
async function longestStall(work: () => Promise<void>): Promise<{ ms: number; stallMs: number; stallCpuMs: number }> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let stall = 0;
  let stallCpu = 0;
  const tick = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    stall = Math.max(stall, now - last);
    stallCpu = Math.max(stallCpu, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
  };
  const ticker = setInterval(tick, 1);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  clearInterval(ticker);
  tick();
  return { ms, stallMs: stall, stallCpuMs: stallCpu };
}

console.log('objects | load ms | ms per 1k objects | longest stall: wall ms | CPU ms');
console.log('------- | ------- | ----------------- | ---------------------- | ------');
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'alb-file-load-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), rules(size));
    const store = new ObjectStore();
    const source = new FileSource({ dir, store, onChange: () => {}, onProblems: () => {}, rescanIntervalMs: 0 });
    const { ms, stallMs, stallCpuMs } = await longestStall(() => source.start());
    source.stop();
    if (store.size !== size) throw new Error(`loaded ${store.size} objects, expected ${size}`);
    console.log(
      `${String(size).padStart(7)} | ${ms.toFixed(0).padStart(7)} | ${((ms / size) * 1000).toFixed(1).padStart(17)} | ` +
        `${stallMs.toFixed(0).padStart(22)} | ${stallCpuMs.toFixed(0).padStart(6)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
