import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory (VmRSS, KiB) summed over every process in a process group: nginx's master and worker, or the one
 * process of haproxy and the Node proxies. Read from /proc, so Linux only.
 */
export function groupRssKiB(pgid: number): number {
  let total = 0;
  forEachInGroup(pgid, (pid) => (total += vmRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8'))));
  return total;
}

/**
 * CPU time used so far by every process in a process group, in clock ticks (user, system), from /proc/<pid>/stat.
 * The difference over a run, per request, is the CPU one request costs (threads included; exited processes not).
 */
export function groupCpuTicks(pgid: number): { user: number; sys: number } {
  const total = { user: 0, sys: 0 };
  forEachInGroup(pgid, (_pid, stat) => {
    const ticks = cpuTicksOf(stat);
    total.user += ticks.user;
    total.sys += ticks.sys;
  });
  return total;
}

/** The pids of every process in a process group (nginx's master and workers, ALB's runner and its workers). */
export function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  forEachInGroup(pgid, (pid) => pids.push(Number(pid)));
  return pids;
}

/** Linux reports /proc times in USER_HZ ticks, 100 per second on every architecture it runs on. */
export const ticksPerSecond = 100;

/** Fields 14 and 15 (utime, stime) of /proc/<pid>/stat, counted from the end of the command name. */
export function cpuTicksOf(stat: string): { user: number; sys: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), sys: Number(fields[12]) };
}

function forEachInGroup(pgid: number, visit: (pid: string, stat: string) => void): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (processGroupOf(stat) === pgid) visit(entry, stat);
    } catch {
      // the process went away while we looked
    }
  }
}

/** Field 5 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses, so count from its end. */
export function processGroupOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[2]);
}

/** `VmRSS:     12345 kB` of /proc/<pid>/status; 0 when absent (a zombie or a kernel thread). */
export function vmRssKiB(status: string): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m === null ? 0 : Number(m[1]);
}
