// One measured burst of config changes against the bundled instance in file mode: propagation times and memory.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  metricValue,
  processTree,
  resetTreePeaks,
  ruleYaml,
  sleep,
  startBundledInstance,
  stopInstance,
  treeCpuSeconds,
  treePeakMiB,
  treeRssMiB,
  untilReady,
  untilRouted,
  writeInstanceDir,
} from './instance-harness.ts';

export type BurstOptions = {
  /** Rules loaded before the burst. */
  rules: number;
  /** Config changes in the burst: each writes a new file with one new Rule. */
  changes: number;
  /** `--workers` of the instance (1: the data plane in the main process; more: worker processes). */
  workers: number;
  /**
   * null: each change is written as soon as the previous one routes (a user applying change after change; every
   * change is its own rebuild). A number: the changes are written this many ms apart without waiting (closer than
   * the rebuild holdoff: an editor saving in a loop), then each is waited for.
   */
  spacingMs: number | null;
  /** How long to wait for memory to settle before and after the burst (default 4 s: the trim runs 2 s after it). */
  settleMs?: number;
};

export type BurstResult = BurstOptions & {
  /** Time from each write to the first request its Rule routes, sorted. */
  propagationMs: number[];
  /** RSS of the instance's processes, summed, before the burst (settled after the initial load). */
  rssBeforeMiB: number;
  /** Sum of the processes' peak RSS during the burst (exact with one process, an upper bound with workers). */
  peakRssMiB: number;
  /** Peak since the process started, the initial load included. */
  peakSinceStartMiB: number;
  /** RSS right after the last change routed. */
  rssAfterMiB: number;
  /** RSS once changes stopped (after the instance's memory trim). */
  settledRssMiB: number;
  /** The main process's V8 heap, settled. */
  heapUsedMiB: number;
  initialLoadMs: number;
  /** CPU time the instance's processes used during the burst (steadier than times on a busy machine). */
  cpuSeconds: number;
  /** Memory-reducing GCs the instance ran during the burst (`alb_memory_trims_total`). */
  trims: number;
  /** How many processes were counted (the main one + worker processes). */
  processes: number;
};

export async function measureBurst(options: BurstOptions): Promise<BurstResult> {
  const settleMs = options.settleMs ?? 4000;
  const backend = createServer((req, res) => res.end(req.url?.startsWith('/probe') ? 'probe' : 'other'));
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const dir = mkdtempSync(join(tmpdir(), 'alb-burst-'));
  const port = await freePort();
  writeInstanceDir(dir, { port, backendPort: (backend.address() as AddressInfo).port, rules: options.rules });
  const instance = startBundledInstance(dir, { opsPort: await freePort(), workers: options.workers });
  const pid = instance.child.pid!;
  try {
    const initialLoadMs = await untilReady(instance);
    // Start from what a running instance holds: the initial load's garbage trimmed away.
    await sleep(settleMs);
    const rssBeforeMiB = treeRssMiB(pid);
    const loadPeakMiB = treePeakMiB(pid);
    const trimsBefore = await metricValue(instance.opsPort, 'alb_memory_trims_total');
    resetTreePeaks(pid);
    const cpuBefore = treeCpuSeconds(pid);
    const write = (s: number) =>
      writeFileSync(join(dir, `probe-${s}.yaml`), ruleYaml(`probe${s}`, port, `/probe-${s}`));
    const routed = (s: number) => untilRouted(port, `/probe-${s}`, `probe${s}.example.com`, 'probe');
    const propagationMs: number[] = [];
    if (options.spacingMs === null) {
      for (let s = 0; s < options.changes; s++) {
        const t0 = performance.now();
        write(s);
        await routed(s);
        propagationMs.push(performance.now() - t0);
      }
    } else {
      const writtenAt: number[] = [];
      for (let s = 0; s < options.changes; s++) {
        writtenAt.push(performance.now());
        write(s);
        await sleep(options.spacingMs);
      }
      // Every change must end applied: the last one first (then all have been), each checked.
      for (let s = options.changes - 1; s >= 0; s--) {
        await routed(s);
        propagationMs.push(performance.now() - writtenAt[s]!);
      }
    }
    const rssAfterMiB = treeRssMiB(pid);
    const peakRssMiB = treePeakMiB(pid);
    const cpuSeconds = treeCpuSeconds(pid) - cpuBefore;
    const trims = (await metricValue(instance.opsPort, 'alb_memory_trims_total')) - trimsBefore;
    await sleep(settleMs);
    const settledRssMiB = treeRssMiB(pid);
    const heapUsedMiB = (await metricValue(instance.opsPort, 'nodejs_heap_used_bytes')) / 2 ** 20;
    return {
      ...options,
      propagationMs: propagationMs.sort((a, b) => a - b),
      rssBeforeMiB,
      peakRssMiB,
      peakSinceStartMiB: Math.max(loadPeakMiB, peakRssMiB),
      rssAfterMiB,
      settledRssMiB,
      heapUsedMiB,
      initialLoadMs,
      trims,
      cpuSeconds,
      processes: processTree(pid).length,
    };
  } finally {
    await stopInstance(instance);
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
