import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DataPlaneConfig } from './config.ts';
import { Engine, type ApplyResult, type EngineOptions } from './engine.ts';
import { AlbError, ConfigError, errorCodes } from './errors.ts';
import { mergeStats, renderPrometheus, type StatsSnapshot } from './metrics.ts';
import type { Logger } from './proxy/listener-context.ts';
import { mergeApplyResults } from './worker/merge-apply-results.ts';
import type { FromWorker, ToWorker } from './worker/messages.ts';
import { newTicketSecret } from './tls/ticket-keys.ts';
import { respawnDelayMs, stableWorkerMs } from './worker/respawn-delay.ts';

export type DataPlaneOptions = EngineOptions & {
  /** Processes serving every port (SO_REUSEPORT). 1 serves in this process. Default: one per CPU. */
  workers?: number;
  /** The worker script (for bundled apps); default: worker-main next to this module. */
  workerEntry?: string;
  /**
   * How long `apply`, `stats` and `close` wait for each worker's answer (default 30 s); then they fail with
   * `ALB_PROXY_WORKER_TIMEOUT` naming the worker, instead of waiting forever on a stopped one.
   */
  workerTimeoutMs?: number;
  /**
   * Workers started with `--expose-gc` give memory back after applies (`MemoryTrimmer`): at once when an apply
   * left a worker's RSS this much above its last trim (default 48 MiB; 0: only once applies stop for 2 s).
   */
  burstMemoryBudgetBytes?: number;
};

export type DataPlane = {
  /** Applies a whole config in every worker; resolves with their results merged. */
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

/** One worker process and the calls waiting for its answers. */
class Worker {
  readonly child: ChildProcess;
  readonly index: number;
  readonly pending = new Map<number, Pending>();
  /** Resolves once the worker said it is ready; rejects if it exits (or cannot start) before that. */
  readonly ready: Promise<void>;
  readyAt = 0;
  exited = false;

  constructor(child: ChildProcess, index: number, onLog: (m: Extract<FromWorker, { type: 'log' }>) => void) {
    this.child = child;
    this.index = index;
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => undefined); // a worker nobody is waiting for may fail to start: that is handled on exit
    // Without a listener, an 'error' (spawn failure, a send to a dead worker) would end the whole process.
    child.on('error', (error) => rejectReady(new AlbError(errorCodes.worker, `${this.name} failed: ${error.message}`)));
    child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        this.readyAt = Date.now();
        resolveReady();
      } else if (message.type === 'log') onLog(message);
      else {
        const pending = this.pending.get(message.id);
        if (pending === undefined) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(toError(message.error));
      }
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      const how = signal ?? `code ${code}`;
      rejectReady(new AlbError(errorCodes.worker, `${this.name} exited before it was ready (${how})`));
      for (const pending of this.pending.values())
        pending.reject(new AlbError(errorCodes.worker, `${this.name} exited (${how})`));
      this.pending.clear();
    });
  }

  get name(): string {
    return `data plane worker ${this.index} (pid ${this.child.pid ?? 'none'})`;
  }
}

/**
 * N worker processes, each an Engine listening with SO_REUSEPORT (the kernel spreads connections among them).
 * Every apply goes to every worker and their results are merged; a worker that dies is replaced (at once, then
 * with a growing delay if replacements keep dying) and given the last config. Every call to a worker is timed out.
 */
class WorkerPool implements DataPlane {
  readonly workers: number;
  private readonly pool: Worker[] = [];
  private readonly options: DataPlaneOptions;
  private readonly logger: Logger | null;
  private readonly timeoutMs: number;
  /** Per slot: workers that exited in a row without staying up `stableWorkerMs`. */
  private readonly crashes: number[];
  private readonly respawnTimers = new Set<NodeJS.Timeout>();
  private lastConfig: DataPlaneConfig | null = null;
  private nextId = 1;
  private closing = false;

  constructor(workers: number, options: DataPlaneOptions) {
    this.workers = workers;
    // One ticket secret for every worker (respawned ones too): TLS sessions resume on any of them.
    this.options = { ...options, tlsTicketSecret: options.tlsTicketSecret ?? newTicketSecret() };
    this.logger = options.logger ?? null;
    this.timeoutMs = options.workerTimeoutMs ?? 30_000;
    this.crashes = new Array<number>(workers).fill(0);
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
    const worker = new Worker(child, index, (m) => {
      const target = m.obj && 'status' in m.obj && this.options.accessLog ? this.options.accessLog : this.logger;
      target?.[m.level]({ ...m.obj, worker: index, pid: child.pid }, m.msg);
    });
    const {
      logger: _l,
      accessLog,
      workers: _w,
      workerEntry: _e,
      workerTimeoutMs: _t,
      burstMemoryBudgetBytes,
      ...engineOptions
    } = this.options;
    const init: ToWorker = {
      type: 'init',
      options: { ...engineOptions, accessLog: accessLog != null },
      burstMemoryBudgetBytes,
    };
    child.send(init, () => {
      // A worker that died before reading this is reported by its exit.
    });
    child.on('exit', (code, signal) => this.onExit(worker, code, signal));
    return worker;
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closing) return;
    const index = worker.index;
    const stable = worker.readyAt !== 0 && Date.now() - worker.readyAt >= stableWorkerMs;
    this.crashes[index] = stable ? 1 : this.crashes[index]! + 1;
    const delayMs = respawnDelayMs(this.crashes[index]!);
    this.logger?.error(
      { worker: index, pid: worker.child.pid, code, signal, delayMs },
      'data plane worker exited; starting a new one',
    );
    const timer = setTimeout(() => {
      this.respawnTimers.delete(timer);
      if (this.closing) return;
      const replacement = this.spawn(index);
      this.pool[index] = replacement;
      const config = this.lastConfig;
      if (config === null) return;
      this.call<ApplyResult>(replacement, 'apply', (id) => ({ type: 'apply', id, config }))
        .then(() => this.logger?.info({ worker: index, pid: replacement.child.pid }, 'data plane worker replaced'))
        .catch((error: Error) =>
          this.logger?.error({ worker: index, error: error.message }, 'replacement worker could not apply the config'),
        );
    }, delayMs);
    this.respawnTimers.add(timer);
  }

  /** Sends `message` once the worker is ready and waits for its answer, at most `timeoutMs` in all. */
  private call<T>(
    worker: Worker,
    what: string,
    message: (id: number) => ToWorker,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    if (worker.exited) return Promise.reject(new AlbError(errorCodes.worker, `${worker.name} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.pending.delete(id);
        fn();
      };
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(
              new AlbError(errorCodes.workerTimeout, `${worker.name} did not answer ${what} within ${timeoutMs} ms`),
            ),
          ),
        timeoutMs,
      );
      worker.ready.then(
        () => {
          if (settled) return;
          worker.pending.set(id, {
            resolve: (value) => settle(() => resolve(value as T)),
            reject: (error) => settle(() => reject(error)),
          });
          worker.child.send(message(id), (error: Error | null) => {
            if (error !== null)
              settle(() => reject(new AlbError(errorCodes.worker, `${worker.name}: ${error.message}`)));
          });
        },
        (error: Error) => settle(() => reject(error)),
      );
    });
  }

  /** The workers running now (a slot waiting for its replacement is skipped: the replacement gets the last config). */
  private running(): Worker[] {
    const running = this.pool.filter((w) => !w.exited);
    if (running.length === 0) throw new AlbError(errorCodes.worker, 'no data plane worker is running');
    return running;
  }

  async apply(config: DataPlaneConfig): Promise<ApplyResult> {
    if (this.closing) throw new AlbError(errorCodes.closed, 'the data plane is closed');
    this.lastConfig = config;
    const results = await Promise.all(
      this.running().map(async (w) => ({
        worker: w.index,
        result: await this.call<ApplyResult>(w, 'apply', (id) => ({ type: 'apply', id, config })),
      })),
    );
    return mergeApplyResults(results);
  }

  async stats(): Promise<StatsSnapshot> {
    return mergeStats(
      await Promise.all(
        this.running().map((w) => this.call<StatsSnapshot>(w, 'stats', (id) => ({ type: 'stats', id }))),
      ),
    );
  }

  async metrics(): Promise<string> {
    return renderPrometheus(await this.stats());
  }

  async close(deadlineMs = this.options.drainTimeoutMs ?? 30_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const timer of this.respawnTimers) clearTimeout(timer);
    this.respawnTimers.clear();
    await Promise.all(
      this.pool.map(async (w) => {
        if (w.exited) return;
        const exited = new Promise<void>((resolve) =>
          w.child.exitCode !== null || w.child.signalCode !== null ? resolve() : w.child.once('exit', () => resolve()),
        );
        try {
          await this.call(w, 'close', (id) => ({ type: 'close', id, deadlineMs }), deadlineMs + this.timeoutMs);
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
