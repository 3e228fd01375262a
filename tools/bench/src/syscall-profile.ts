import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError, errorCodes } from './errors.ts';
import type { ProcessSet } from './process-set.ts';
import { groupPids } from './rss.ts';

/** System calls per request of one proxy, counted by `strace -c -f` on all its processes during one load run. */
export type SyscallProfile = {
  requests: number;
  /** Every system call, per request, most frequent first. */
  perRequest: Array<{ syscall: string; calls: number }>;
  total: number;
};

/**
 * `strace -c` summary lines -> calls per system call. The table's rows are `% time, seconds, usecs/call, calls,
 * [errors], syscall`; the header, separators and the `total` row are skipped.
 */
export function parseStraceSummary(text: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !/^\d+\.\d+$/.test(fields[0]!)) continue;
    const syscall = fields.at(-1)!;
    if (syscall === 'total' || !/^\d+$/.test(fields[3]!)) continue;
    calls.set(syscall, (calls.get(syscall) ?? 0) + Number(fields[3]));
  }
  return calls;
}

/** Calls per request, most frequent first, and their sum. */
export function perRequest(calls: ReadonlyMap<string, number>, requests: number): SyscallProfile {
  if (requests <= 0) throw new BenchError(errorCodes.profileFailed, 'no request was served while strace counted');
  const rows = [...calls]
    .map(([syscall, n]) => ({ syscall, calls: n / requests }))
    .sort((a, b) => b.calls - a.calls || a.syscall.localeCompare(b.syscall));
  return { requests, perRequest: rows, total: rows.reduce((sum, r) => sum + r.calls, 0) };
}

/**
 * Runs `load` while `strace -c -f` is attached to every process of the group `pgid`, then detaches and returns the
 * calls per request. strace slows the proxy down many times over, so only the counts mean anything, not the time.
 */
export async function profileSyscalls(
  processes: ProcessSet,
  strace: string,
  pgid: number,
  outFile: string,
  load: () => Promise<{ requests: number }>,
): Promise<SyscallProfile> {
  const pids = groupPids(pgid);
  const managed = processes.start('strace', strace, [
    '-c',
    '-f',
    '-o',
    outFile,
    ...pids.flatMap((pid) => ['-p', String(pid)]),
  ]);
  await waitUntilTraced(pids, managed.output);
  const { requests } = await load();
  await processes.stop(managed);
  return perRequest(parseStraceSummary(readFileSync(outFile, 'utf8')), requests);
}

/** Waits until every pid shows a tracer (`TracerPid` in /proc/<pid>/status), at most 10 s. */
async function waitUntilTraced(pids: readonly number[], output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  const traced = (pid: number) => !/^TracerPid:\s+0$/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  while (!pids.every(traced)) {
    if (Date.now() > deadline)
      throw new BenchError(
        errorCodes.profileFailed,
        `strace did not attach to ${pids.join(', ')} within 10 s:\n${output()}`,
      );
    await sleep(50);
  }
}
