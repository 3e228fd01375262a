import type { ApplyResult, DataPlaneConfig } from '@alb/proxy-core';
import type { Diagnostic } from '../diagnostics.ts';
import type { Snapshot } from '../objects/object-store.ts';
import type { BuildResult } from '../policy/build-policy.ts';
import { Backoff } from './backoff.ts';
import { hashConfig } from './config-hash.ts';
import type { Clock } from './clock.ts';
import { Debouncer } from './debouncer.ts';

export type RebuildOutcome = {
  build: BuildResult;
  /** Set when this rebuild applied a config (it changed, or an earlier apply is being retried). */
  applied: ApplyResult | null;
  /** What the data plane said about the config serving now (the last successful apply), null before one. */
  current: ApplyResult | null;
  /** Set when applying failed: the previous config keeps serving. */
  error: Error | null;
  hash: string;
};

export type RebuildLoopOptions = {
  snapshot: () => Snapshot;
  build: (snapshot: Snapshot) => BuildResult;
  apply: (config: DataPlaneConfig) => Promise<ApplyResult>;
  onOutcome: (outcome: RebuildOutcome) => void;
  /** A rebuild that threw (building, hashing or reporting): the last good config keeps serving. */
  onError: (error: Error) => void;
  clock: Clock;
  holdoffMs?: number;
  maxDelayMs?: number;
  /** Backoff of re-applies while a port cannot be opened or an apply failed (default 1 s doubling to 30 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
};

/**
 * Level-triggered rebuilds: any change marks the state dirty; after a short holdoff the whole config is rebuilt
 * from a snapshot, hashed, and applied only when the hash changed. A failed apply leaves the previous config in
 * force (the data plane swaps whole configs or nothing) and is retried with backoff, as is a config whose ports
 * could not all be opened (re-applying opens the listeners still missing). Nothing is built before `start`: the
 * sources load everything first, so the first config is never a partial one.
 */
export class RebuildLoop {
  private readonly options: RebuildLoopOptions;
  private readonly debouncer: Debouncer;
  private readonly retryBackoff: Backoff;
  private appliedHash: string | null = null;
  private current: ApplyResult | null = null;
  private started = false;
  private stopped = false;
  private retryTimer: unknown = null;
  private retryDue = false;
  private running: Promise<void> = Promise.resolve();
  /** How many rebuilds ran (tests and metrics). */
  rebuilds = 0;
  /** Rebuilds that threw (metrics). */
  errors = 0;

  constructor(options: RebuildLoopOptions) {
    this.options = options;
    this.debouncer = new Debouncer(() => this.rebuild(), {
      clock: options.clock,
      holdoffMs: options.holdoffMs ?? 20,
      maxDelayMs: options.maxDelayMs ?? 200,
      onError: (error) => this.reportError(error),
    });
    this.retryBackoff = new Backoff(options.retryInitialMs ?? 1000, options.retryMaxMs ?? 30_000);
  }

  /** Something changed. Before `start` this only waits for it. */
  markDirty(): void {
    if (this.started && !this.stopped) this.debouncer.trigger();
  }

  /** Builds and applies the first config (once every source has loaded); later changes are debounced. */
  start(): Promise<void> {
    this.started = true;
    return this.rebuild();
  }

  whenIdle(): Promise<void> {
    return this.debouncer.whenIdle();
  }

  stop(): void {
    this.stopped = true;
    this.debouncer.cancel();
    if (this.retryTimer !== null) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Rebuilds now; `force` applies even an unchanged config (a reload). Rebuilds never overlap; never rejects. */
  rebuild(options: { force?: boolean } = {}): Promise<void> {
    const next = this.running.then(() => this.rebuildOnce(options.force === true));
    this.running = next;
    return next;
  }

  private async rebuildOnce(force: boolean): Promise<void> {
    if (this.stopped) return;
    this.rebuilds++;
    try {
      const build = this.options.build(this.options.snapshot());
      const hash = hashConfig(build.config);
      const retry = this.retryDue;
      this.retryDue = false;
      if (hash === this.appliedHash && !force && !retry) {
        // What is wanted is what serves: an apply still being retried (a refused newer config) is called off.
        if (this.current === null || this.current.failed.length === 0) this.clearRetry();
        this.options.onOutcome({ build, applied: null, current: this.current, error: null, hash });
        return;
      }
      let applied: ApplyResult;
      try {
        applied = await this.options.apply(build.config);
      } catch (error) {
        this.scheduleRetry();
        this.options.onOutcome({ build, applied: null, current: this.current, error: error as Error, hash });
        return;
      }
      this.appliedHash = hash;
      this.current = applied;
      if (applied.failed.length > 0) this.scheduleRetry();
      else this.clearRetry();
      this.options.onOutcome({ build, applied, current: applied, error: null, hash });
    } catch (error) {
      this.reportError(error);
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopped) return;
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = null;
      this.retryDue = true;
      this.markDirty();
    }, this.retryBackoff.next());
  }

  private clearRetry(): void {
    this.retryBackoff.reset();
    if (this.retryTimer !== null) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private reportError(error: unknown): void {
    this.errors++;
    try {
      this.options.onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // Reporting must not end the process either.
    }
  }
}

/** Diagnostics not seen in the previous rebuild (so a log shows each problem once, not on every change). */
export function newDiagnostics(
  previous: ReadonlySet<string>,
  current: readonly Diagnostic[],
  format: (d: Diagnostic) => string,
): { fresh: Diagnostic[]; seen: Set<string> } {
  const seen = new Set<string>();
  const fresh: Diagnostic[] = [];
  for (const d of current) {
    const line = format(d);
    if (!seen.has(line) && !previous.has(line)) fresh.push(d);
    seen.add(line);
  }
  return { fresh, seen };
}
