import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory (VmRSS, KiB) summed over every process in a process group: nginx's master and worker, or the one
 * process of haproxy and the Node proxies. Read from /proc, so Linux only.
 */
export function groupRssKiB(pgid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (processGroupOf(readFileSync(`/proc/${entry}/stat`, 'utf8')) !== pgid) continue;
      total += vmRssKiB(readFileSync(`/proc/${entry}/status`, 'utf8'));
    } catch {
      // the process went away while we looked
    }
  }
  return total;
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
