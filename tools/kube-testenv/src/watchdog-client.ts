import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./watchdog.ts', import.meta.url));

/** Parent side of watchdog.ts: children and dirs registered here are cleaned up even if this process dies. */
export type Watchdog = {
  guardPid(pid: number): void;
  guardDir(dir: string): void;
  /** Normal shutdown: the caller cleaned up itself; the watchdog exits without touching anything. */
  release(): void;
};

export function startWatchdog(): Watchdog {
  const child = spawn(process.execPath, [script], {
    // Own session: a Ctrl-C or a kill of the test's process group does not take the watchdog down with it.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.on('error', () => {}); // best effort: without it, the in-process exit hook still cleans up
  // A pipe is a net.Socket at run time, which is what makes unref() available.
  const stdin = child.stdin as Socket;
  stdin.on('error', () => {});
  // Neither the process nor the pipe may keep the parent's event loop alive.
  child.unref();
  stdin.unref();
  const send = (msg: object) => {
    if (!stdin.destroyed) stdin.write(`${JSON.stringify(msg)}\n`);
  };
  return {
    guardPid: (pid) => {
      if (pid > 1) send({ pid });
    },
    guardDir: (dir) => send({ dir }),
    release: () => {
      send({ release: true });
      stdin.end();
    },
  };
}
