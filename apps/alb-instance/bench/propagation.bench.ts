// npm run bench:propagation -- time from a file write to the first request the new rule routes, over a burst of 40
// config changes with 10, 1k and 10k rules loaded (median and p99), and the instance's memory during and after the
// burst. Runs the bundled instance (npm run build).
//   --sizes 10,1000,10000   rules loaded        --workers N       the instance's --workers (default 1)
//   --changes 40            changes per burst   --spacing-ms M    write the changes M ms apart instead of each
//   --json                  one JSON line of results instead of the tables      right after the previous applied
//   --settle-ms 4000        the wait for memory to settle before and after the burst (the trim runs 2 s after)
// ALB_BENCH_NODE_ARGS='--heap-growing-percent=30' adds Node/V8 flags to the instance's (to try settings).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureBurst, type BurstResult } from './config-burst.ts';

if (process.argv.includes('--source') && process.argv[process.argv.indexOf('--source') + 1] === 'kube') {
  // The kube variant needs a real API server (tools/kube-testenv), which an app must not import: run it apart.
  const kube = fileURLToPath(new URL('../../../tools/e2e/bench/kube-propagation.bench.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@alb/source', kube], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  process.exit(code ?? 1);
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,1000,10000' },
    changes: { type: 'string', default: process.env.SAMPLES ?? '40' },
    workers: { type: 'string', default: '1' },
    'spacing-ms': { type: 'string' },
    'settle-ms': { type: 'string', default: '4000' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const changes = Number(values.changes);
const workers = Number(values.workers);
const spacingMs = values['spacing-ms'] === undefined ? null : Number(values['spacing-ms']);
for (const n of [...sizes, changes, workers])
  if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes, --changes and --workers take positive integers`);

const rows: BurstResult[] = [];
const settleMs = Number(values['settle-ms']);
for (const rules of sizes) rows.push(await measureBurst({ rules, changes, workers, spacingMs, settleMs }));

if (values.json) {
  process.stdout.write(JSON.stringify(rows) + '\n');
  process.exit(0);
}

/** The memory bound for a burst at 10k rules. */
const burstPeakTargetMiB = 300;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const how = spacingMs === null ? 'each written right after the previous one routed' : `written ${spacingMs} ms apart`;
console.log(
  `alb-instance propagation and memory (file source, bursts of ${changes} changes ${how}, --workers ${workers}, ` +
    `node ${process.version})\n`,
);
console.log(
  '| rules loaded | median | p99 | max | RSS before | peak RSS during the burst | RSS right after | RSS settled | heap used | trims in the burst | CPU in the burst | peak incl. initial load | initial load |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.rules} | ${percentile(r.propagationMs, 0.5).toFixed(0)} ms | ${percentile(r.propagationMs, 0.99).toFixed(0)} ms | ` +
      `${r.propagationMs.at(-1)!.toFixed(0)} ms | ${mib(r.rssBeforeMiB)} | ${mib(r.peakRssMiB)} | ${mib(r.rssAfterMiB)} | ` +
      `${mib(r.settledRssMiB)} | ${mib(r.heapUsedMiB)} | ${r.trims} | ${r.cpuSeconds.toFixed(1)} s | ${mib(r.peakSinceStartMiB)} | ${r.initialLoadMs} ms |`,
  );
console.log(
  `\nMemory: VmRSS / VmHWM of the instance's ${rows[0]!.processes} process(es) (main${workers > 1 ? ' + worker processes' : ''}), ` +
    `summed; the peak restarts (clear_refs) once the initial load settled.`,
);
const at = (n: number) => rows.find((r) => r.rules === n);
const check = (met: boolean) => (met ? 'met ' : 'MISS');
console.log('\ntargets:');
if (at(1000) !== undefined)
  console.log(`  ${check(percentile(at(1000)!.propagationMs, 0.99) < 200)}  p99 under 200 ms at 1k rules`);
const big = at(10_000);
if (big !== undefined) {
  console.log(`  ${check(percentile(big.propagationMs, 0.99) < 1000)}  p99 under 1 s at 10k rules`);
  console.log(
    `  ${check(big.settledRssMiB < 300)}  RSS under 300 MiB at 10k rules, settled (${mib(big.settledRssMiB)})`,
  );
  console.log(
    `  ${check(big.peakRssMiB <= burstPeakTargetMiB)}  peak RSS during a burst of ${changes} config changes at 10k Rules ` +
      `<= ${burstPeakTargetMiB} MiB (${mib(big.peakRssMiB)})`,
  );
}
console.log('  (Alauda ALB: up to ~7 s, its 5 s + 1 s + 1 s push loop)');
