// The bundled alb-instance in file mode through a burst of config changes at 10k rules: its peak and settled RSS.
// The measurement is the app's own (apps/alb-instance/bench/propagation.bench.ts --json, which spawns dist/main.js):
// an app may not import a tool, so the tool runs the app's benchmark instead of keeping a copy of it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BenchError, errorCodes } from './errors.ts';

export type ConfigBurstProbe = {
  rules: number;
  changes: number;
  workers: number;
  /** Sum of the instance processes' peak RSS during the burst. */
  peakRssMiB: number;
  /** RSS before the burst (the initial load settled), right after it, and settled again (after the trim). */
  rssBeforeMiB: number;
  rssAfterMiB: number;
  settledRssMiB: number;
  /** Write -> routed, over the changes of the burst. */
  p99Ms: number;
  processes: number;
};

/** The bound: peak RSS during a burst of 40 config changes at 10k Rules. */
export const configBurstTargetMiB = 300;

const appBench = fileURLToPath(new URL('../../../apps/alb-instance/bench/propagation.bench.ts', import.meta.url));
const bundle = fileURLToPath(new URL('../../../apps/alb-instance/dist/main.js', import.meta.url));

/**
 * Runs one burst (each change written right after the previous one routed: a rebuild per change) and returns what
 * it measured. Needs the bundle (`npx nx run @alb/alb-instance:build`; `npm run bench:proxy` builds it first).
 */
export function probeConfigBurst({
  rules = 10_000,
  changes = 40,
  workers = 1,
  settleMs = 4000,
} = {}): ConfigBurstProbe {
  if (!existsSync(bundle))
    throw new BenchError(errorCodes.startFailed, `${bundle} is missing: run npx nx run @alb/alb-instance:build`);
  const args = [
    appBench,
    '--json',
    '--sizes',
    String(rules),
    '--changes',
    String(changes),
    '--workers',
    String(workers),
    '--settle-ms',
    String(settleMs),
  ];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  const [row] = JSON.parse(out) as Array<Omit<ConfigBurstProbe, 'p99Ms'> & { propagationMs: number[] }>;
  const times = row!.propagationMs;
  return {
    rules: row!.rules,
    changes: row!.changes,
    workers: row!.workers,
    peakRssMiB: row!.peakRssMiB,
    rssBeforeMiB: row!.rssBeforeMiB,
    rssAfterMiB: row!.rssAfterMiB,
    settledRssMiB: row!.settledRssMiB,
    p99Ms: times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)]!,
    processes: row!.processes,
  };
}

/** The report's lines for the burst: the target, met or MISS, and what else was measured. */
export function renderConfigBurst(probe: ConfigBurstProbe): string[] {
  const mib = (value: number) => `${value.toFixed(0)} MiB`;
  const met = probe.peakRssMiB <= configBurstTargetMiB;
  return [
    `Config burst (alb-instance bundle, file mode, --workers ${probe.workers}, ${probe.processes} process(es) summed):`,
    '',
    `- ${met ? 'met ' : 'MISS'} peak RSS during a burst of ${probe.changes} config changes at ` +
      `${probe.rules.toLocaleString('en-US')} Rules <= ${configBurstTargetMiB} MiB: measured ${mib(probe.peakRssMiB)} ` +
      `(before ${mib(probe.rssBeforeMiB)}, right after ${mib(probe.rssAfterMiB)}, settled ${mib(probe.settledRssMiB)}; ` +
      `write -> routed p99 ${probe.p99Ms.toFixed(0)} ms)`,
  ];
}
