import { readFileSync } from 'node:fs';

/**
 * Whether a process id names a live process. A zombie (dead, not yet reaped: common under an init that does not
 * reap) counts as dead, which `kill(pid, 0)` alone would not tell.
 */
export function processAlive(pid: number): boolean {
  // 0 and negative ids name process groups (and -1 every process): never a single live process here.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (not Linux): trust kill(0)
  }
}
