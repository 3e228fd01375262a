import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DataPlaneConfig } from './config.ts';
import { Engine, type ApplyResult, type EngineOptions } from './engine.ts';
import { AlbError, ConfigError, errorCodes } from './errors.ts';
import { mergeStats, renderPrometheus, type StatsSnapshot } from './metrics.ts';
import type { Logger } from './proxy/listener-context.ts';
import type { FromWorker, ToWorker } from './worker/messages.ts';

export type DataPlaneOptions = EngineOptions & {
  /** Processes serving every port (SO_REUSEPORT). 1 serves in this process. Default: one per CPU. */
  workers?: number;
  /** The worker script (for bundled apps); default: worker-main next to this module. */
  workerEntry?: string;
};

export type DataPlane = {
  /** Applies a whole config in every worker; resolves with the first worker's result. */
  apply(config: DataPlaneConfig): Promise<ApplyResult>;
  /** Counters of every worker, merged. */
  stats(): Promise<StatsSnapshot>;
  /** The merged counters in the Prometheus text format. */
  metrics(): Promise<string>;
  /** Stops accepting, drains in-flight requests up to `deadlineMs`, then stops the workers. */
  close(deadlineMs?: number): Promise<void>;
  readonly workers: number;
};

/** Creates the data plane: in this process for one worker, else a pool of worker processes. */
export function createDataPlane(options: DataPlaneOptions = {}): DataPlane {
  const workers = Math.max(1, Math.trunc(options.workers ?? availableParallelism()));
  if (workers === 1) return inProcess(new Engine(options));
  return new WorkerPool(workers, options);
}

function inProcess(engine: Engine): DataPlane {
  return {
    workers: 1,
    apply: (config) => engine.apply(config),
    stats: async () => engine.stats(),
    metrics: async () => renderPrometheus(engine.stats()),
    close: (deadlineMs) => engine.close(deadlineMs),
  };
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

class Worker {
  readonly child: ChildProcess;
  readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;

  constructor(child: ChildProcess, onLog: (m: Extract<FromWorker, { type: 'log' }>) => void) {
    this.child = child;
    this.ready = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'log') onLog(message);
        else {
          const pending = this.pending.get(message.id);
          if (pending === undefined) return;
          this.pending.delete(message.id);
          if (message.ok) pending.resolve(message.value);
          else pending.reject(toError(message.error));
        }
      });
    });
    child.on('exit', () => {
      for (const pending of this.pending.values())
        pending.reject(new AlbError(errorCodes.worker, 'worker process exited'));
      this.pending.clear();
    });
  }
}

/**
 * N worker processes, each an Engine listening with SO_REUSEPORT (the kernel spreads connections among them).
 * Every apply goes to every worker; a worker that dies is replaced and given the last config.
 */
class WorkerPool implements DataPlane {
  readonly workers: number;
  private readonly pool: Worker[] = [];
  private readonly options: DataPlaneOptions;
  private readonly logger: Logger | null;
  private lastConfig: DataPlaneConfig | null = null;
  private nextId = 1;
  private closing = false;

  constructor(workers: number, options: DataPlaneOptions) {
    this.workers = workers;
    this.options = options;
    this.logger = options.logger ?? null;
    for (let i = 0; i < workers; i++) this.pool.push(this.spawn(i));
  }

  private spawn(index: number): Worker {
    const entry = this.options.workerEntry ?? defaultWorkerEntry();
    // Workers serve traffic: they keep V8's default young generation (the parent may run with a small one).
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--max-semi-space-size'));
    const child = fork(entry, [], {
      serialization: 'advanced',
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new Worker(child, (m) => {
      const target = m.obj && 'status' in m.obj && this.options.accessLog ? this.options.accessLog : this.logger;
      target?.[m.level]({ ...m.obj, worker: index }, m.msg);
    });
    const { logger: _l, accessLog, workers: _w, workerEntry: _e, ...engineOptions } = this.options;
    child.send({ type: 'init', options: { ...engineOptions, accessLog: accessLog != null } } satisfies ToWorker);
    child.on('exit', (code, signal) => {
      if (this.closing) return;
      this.logger?.error({ worker: index, code, signal }, 'data plane worker exited; starting a new one');
      const replacement = this.spawn(index);
      this.pool[index] = replacement;
      if (this.lastConfig !== null) {
        const config = this.lastConfig;
        void this.call(replacement, (id) => ({ type: 'apply', id, config })).catch((error: Error) =>
          this.logger?.error({ worker: index, error: error.message }, 'replacement worker could not apply the config'),
        );
      }
    });
    return worker;
  }

  private async call<T>(worker: Worker, message: (id: number) => ToWorker): Promise<T> {
    await worker.ready;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      worker.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.child.send(message(id));
    });
  }

  async apply(config: DataPlaneConfig): Promise<ApplyResult> {
    if (this.closing) throw new AlbError(errorCodes.closed, 'the data plane is closed');
    this.lastConfig = config;
    const results = await Promise.all(
      this.pool.map((w) => this.call<ApplyResult>(w, (id) => ({ type: 'apply', id, config }))),
    );
    return results[0]!;
  }

  async stats(): Promise<StatsSnapshot> {
    return mergeStats(
      await Promise.all(this.pool.map((w) => this.call<StatsSnapshot>(w, (id) => ({ type: 'stats', id })))),
    );
  }

  async metrics(): Promise<string> {
    return renderPrometheus(await this.stats());
  }

  async close(deadlineMs = this.options.drainTimeoutMs ?? 30_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all(
      this.pool.map(async (w) => {
        const exited = new Promise<void>((resolve) =>
          w.child.exitCode !== null ? resolve() : w.child.once('exit', () => resolve()),
        );
        try {
          await this.call(w, (id) => ({ type: 'close', id, deadlineMs }));
        } catch {
          w.child.kill('SIGKILL');
        }
        await exited;
      }),
    );
  }
}

function defaultWorkerEntry(): string {
  // Source (.ts, run by Node's type stripping) or built (.js), whichever this module is.
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`./worker/worker-main.${extension}`, import.meta.url));
}

function toError(error: { message: string; code?: string; problems?: string[] }): Error {
  if (error.code === errorCodes.config && error.problems !== undefined) return new ConfigError(error.problems);
  if (error.code !== undefined) return new AlbError(error.code, error.message);
  return new Error(error.message);
}
