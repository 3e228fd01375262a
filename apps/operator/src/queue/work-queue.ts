import type { Clock } from '@alb/leader';

export type WorkQueueOptions = {
  /** Handles one key; a throw retries the key after a backoff. Never runs twice at once for the same key. */
  handler: (key: string, signal: AbortSignal) => Promise<void>;
  concurrency: number;
  clock: Clock;
  /** First retry delay; doubles per consecutive failure of the key, up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Uniform in [0, 1): spreads retries of keys that failed together. */
  random?: () => number;
  onError?: (key: string, error: unknown, retryInMs: number) => void;
};

/**
 * A work queue of object keys, as client-go's: a key is queued once however many events name it; a key being
 * handled is handled again afterwards if it was added meanwhile (never concurrently); a failing key is retried
 * with exponential backoff per key, while other keys go on. Events still add a key at once: new information
 * deserves a try even during a backoff.
 */
export class WorkQueue {
  private readonly options: Required<Omit<WorkQueueOptions, 'onError'>> & Pick<WorkQueueOptions, 'onError'>;
  private readonly order: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly retries = new Map<string, AbortController>();
  private readonly idleWaiters: Array<() => void> = [];
  private abort: AbortController | null = null;
  private inFlight: Promise<void>[] = [];

  constructor(options: WorkQueueOptions) {
    this.options = { baseBackoffMs: 500, maxBackoffMs: 5 * 60_000, random: Math.random, ...options };
  }

  /** Starts handling keys (those added before wait until now). */
  start(): void {
    if (this.abort !== null) return;
    this.abort = new AbortController();
    this.pump();
  }

  /** Stops: aborts handlers' signals, drops queued keys and pending retries, waits for handlers to return. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (abort === null) return;
    abort.abort();
    this.abort = null;
    for (const retry of this.retries.values()) retry.abort();
    this.retries.clear();
    this.order.length = 0;
    this.queued.clear();
    this.dirty.clear();
    this.failures.clear();
    await Promise.allSettled(this.inFlight);
    this.notifyIdle();
  }

  add(key: string): void {
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.order.push(key);
    this.pump();
  }

  /** Keys waiting to be handled (not counting those being handled or waiting for a retry). */
  depth(): number {
    return this.order.length;
  }

  /** Resolves when nothing is queued or being handled (retries may still be pending). */
  idle(): Promise<void> {
    if (this.order.length === 0 && this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The delay before the `failures`-th consecutive retry of a key: doubling, capped, with up to 20% jitter. */
  backoffMs(failures: number): number {
    const { baseBackoffMs, maxBackoffMs, random } = this.options;
    const raw = Math.min(maxBackoffMs, baseBackoffMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(raw * (1 + 0.2 * random()));
  }

  private pump(): void {
    const abort = this.abort;
    if (abort === null) return;
    while (this.processing.size < this.options.concurrency && this.order.length > 0) {
      const key = this.order.shift()!;
      this.queued.delete(key);
      this.processing.add(key);
      const run = this.run(key, abort.signal);
      this.inFlight.push(run);
      void run.finally(() => {
        this.inFlight = this.inFlight.filter((p) => p !== run);
      });
    }
    this.notifyIdle();
  }

  private async run(key: string, signal: AbortSignal): Promise<void> {
    try {
      await this.options.handler(key, signal);
      this.failures.delete(key);
    } catch (error) {
      if (!signal.aborted) {
        const failures = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, failures);
        const delay = this.backoffMs(failures);
        this.options.onError?.(key, error, delay);
        this.retryLater(key, delay);
      }
    } finally {
      this.processing.delete(key);
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }

  private retryLater(key: string, delayMs: number): void {
    this.retries.get(key)?.abort();
    const timer = new AbortController();
    this.retries.set(key, timer);
    this.options.clock.sleep(delayMs, timer.signal).then(
      () => {
        if (this.retries.get(key) !== timer) return;
        this.retries.delete(key);
        this.add(key);
      },
      () => {},
    );
  }

  private notifyIdle(): void {
    if (this.order.length > 0 || this.processing.size > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
