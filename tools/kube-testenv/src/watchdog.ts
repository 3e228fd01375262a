// A tiny detached process that outlives its parent only to clean up after it. The parent writes one JSON line per
// child pid and temp dir to guard; if stdin reaches EOF before a `release` line (the parent died: crash, SIGKILL,
// an unhandled signal), the children get SIGTERM, then SIGKILL, and the dirs are removed. Run by watchdog-client.ts.
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { processAlive } from './process-alive.ts';

const pids = new Set<number>();
const dirs = new Set<string>();
let released = false;

createInterface({ input: process.stdin }).on('line', (line) => {
  try {
    const msg = JSON.parse(line) as { pid?: number; dir?: string; release?: boolean };
    // Only real process ids: kill(0) or kill(-1) would hit a process group or everything.
    if (typeof msg.pid === 'number' && Number.isInteger(msg.pid) && msg.pid > 1) pids.add(msg.pid);
    if (typeof msg.dir === 'string') dirs.add(msg.dir);
    if (msg.release === true) released = true;
  } catch {
    // ignore garbage: the parent only writes JSON
  }
});

process.stdin.on('close', () => {
  if (released) process.exit(0);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  const poll = setInterval(() => {
    const alive = [...pids].filter(processAlive);
    if (alive.length > 0 && Date.now() < deadline) return;
    clearInterval(poll);
    for (const pid of alive) signal(pid, 'SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    process.exit(0);
  }, 100);
});

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
