import { BenchError, errorCodes } from './errors.ts';
import type { ProcessSet } from './process-set.ts';
import { parseWrkOutput, type WrkResult } from './wrk-output.ts';

export type WrkRun = {
  wrk: string;
  url: string;
  durationS: number;
  connections: number;
  /** `taskset -c <cpu>` in front of wrk, or null. */
  pin: { taskset: string; cpu: number } | null;
  /** Extra request header lines (`Connection: close` makes every request a new connection). */
  headers?: string[];
};

/** The wrk command line: one thread, `--latency` for the percentiles, a timeout long enough to keep p99 honest. */
export function wrkArgs(run: Omit<WrkRun, 'wrk' | 'pin'>): string[] {
  const headers = (run.headers ?? []).flatMap((h) => ['-H', h]);
  return ['-t1', `-c${run.connections}`, `-d${run.durationS}s`, '--timeout', '10s', '--latency', ...headers, run.url];
}

/** Runs wrk to completion (in the process set, so an interrupt stops it too) and parses what it printed. */
export async function runWrk(processes: ProcessSet, run: WrkRun): Promise<WrkResult> {
  const args = wrkArgs(run);
  const [command, argv] =
    run.pin === null ? [run.wrk, args] : [run.pin.taskset, ['-c', String(run.pin.cpu), run.wrk, ...args]];
  const managed = processes.start('wrk', command, argv);
  const code = await managed.exited;
  await processes.stop(managed);
  if (code !== 0)
    throw new BenchError(errorCodes.wrkFailed, `wrk ${args.join(' ')} exited with ${code}:\n${managed.output()}`);
  return parseWrkOutput(managed.output());
}
