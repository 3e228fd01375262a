import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** One long-running child (etcd or kube-apiserver) whose output goes to a log file. */
export type ServerProcess = {
  name: string;
  /** 0 when the spawn failed (then `exited` settles at once). */
  pid: number;
  logFile: string;
  /** Settles when the process has exited (and been reaped). */
  exited: Promise<Exit>;
  /** Null while running. */
  exit(): Exit | null;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<Exit>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
};

export function startServerProcess(name: string, bin: string, args: string[], logFile: string): ServerProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd); // the child has its own copy
  let exit: Exit | null = null;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    // Only emitted when the spawn itself failed (ENOENT, EACCES): note why in the log, where errors look.
    child.once('error', (err) => {
      appendFileSync(logFile, `\n[kube-testenv] could not start ${bin}: ${err.message}\n`);
      exit = { code: null, signal: null };
      resolve(exit);
    });
  });
  return {
    name,
    pid: child.pid ?? 0,
    logFile,
    exited,
    exit: () => exit,
    async stop(graceMs) {
      if (exit) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    logTail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}
