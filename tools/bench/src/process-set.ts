import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

/** A child started in its own process group (so nginx's workers can be stopped with it, and Ctrl-C reaches only us). */
export type Managed = {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the main process has exited. */
  exited: Promise<number | string>;
  /** The last few KiB of what it wrote to stdout and stderr, then of its log files. */
  output(): string;
};

const keepBytes = 8192;

/**
 * Every process the bench starts. `stopAll` ends them all (group by group: SIGTERM, then SIGKILL after a grace
 * period); `killAllSync` is the last resort for `process.on('exit')`, where nothing asynchronous runs.
 */
export class ProcessSet {
  private readonly running = new Set<Managed>();

  start(
    name: string,
    command: string,
    args: string[],
    options: { ipc?: boolean; env?: NodeJS.ProcessEnv; logFiles?: string[] } = {},
  ): Managed {
    const stdio: StdioOptions = options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
    const child = spawn(command, args, { detached: true, stdio, env: options.env ?? process.env });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-keepBytes);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const spawnError = new Promise<string>((resolve) =>
      child.once('error', (error) => {
        keep(Buffer.from(`spawn failed: ${error.message}\n`));
        resolve('spawn-error');
      }),
    );
    const exitCode = new Promise<number | string>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    // Exited means: the process is gone and its output is read to the end (the pipes close only when every holder,
    // nginx's worker too, is gone). Not the ChildProcess 'close' event: it also waits for the IPC channel, and
    // does not come at all when we closed that channel ourselves.
    const pipesClosed = [child.stdout, child.stderr].map((stream) =>
      stream === null ? Promise.resolve() : new Promise<void>((resolve) => stream.once('close', () => resolve())),
    );
    const exited = Promise.race([spawnError, Promise.all([exitCode, ...pipesClosed]).then(([code]) => code)]);
    const logTails = () => (options.logFiles ?? []).map((file) => `--- ${file} ---\n${tail(file)}`).join('\n');
    const managed: Managed = { name, pid: child.pid ?? -1, child, exited, output: () => output + logTails() };
    this.running.add(managed);
    void exited.then(() => {
      // The group may outlive its leader (an nginx worker); it is stopped in stop().
      if (!groupAlive(managed.pid)) this.running.delete(managed);
    });
    return managed;
  }

  /** Stops one process group: SIGTERM, up to `graceMs` for it to exit, then SIGKILL. */
  async stop(managed: Managed, graceMs = 5000): Promise<void> {
    if (managed.pid > 0 && groupAlive(managed.pid)) {
      signalGroup(managed.pid, 'SIGTERM');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      await Promise.race([managed.exited, timer]);
      for (let waited = 0; groupAlive(managed.pid) && waited < graceMs; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      if (groupAlive(managed.pid)) signalGroup(managed.pid, 'SIGKILL');
    }
    await managed.exited;
    this.running.delete(managed);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((m) => this.stop(m)));
  }

  killAllSync(): void {
    for (const m of this.running) if (m.pid > 0) signalGroup(m.pid, 'SIGKILL');
    this.running.clear();
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Whether any process of the group still exists (signal 0 checks without signalling). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-keepBytes);
  } catch {
    return '(not written)';
  }
}
