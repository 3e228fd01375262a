import { createHash } from 'node:crypto';
import type { ApplyResult, DataPlaneConfig } from '@alb/proxy-core';
import type { Diagnostic } from '../diagnostics.ts';
import type { Snapshot } from '../objects/object-store.ts';
import type { BuildResult } from '../policy/build-policy.ts';
import type { Clock } from './clock.ts';
import { Debouncer } from './debouncer.ts';

export type RebuildOutcome = {
  build: BuildResult;
  /** Set when the config changed and was applied. */
  applied: ApplyResult | null;
  /** Set when applying failed: the previous config keeps serving. */
  error: Error | null;
  hash: string;
};

export type RebuildLoopOptions = {
  snapshot: () => Snapshot;
  build: (snapshot: Snapshot) => BuildResult;
  apply: (config: DataPlaneConfig) => Promise<ApplyResult>;
  onOutcome: (outcome: RebuildOutcome) => void;
  clock: Clock;
  holdoffMs?: number;
  maxDelayMs?: number;
};

/**
 * Level-triggered rebuilds: any change marks the state dirty; after a short holdoff the whole config is rebuilt
 * from a snapshot, hashed, and applied only when the hash changed. A failed apply leaves the previous config in
 * force (the data plane swaps whole configs or nothing).
 */
export class RebuildLoop {
  private readonly options: RebuildLoopOptions;
  private readonly debouncer: Debouncer;
  private appliedHash: string | null = null;
  /** How many rebuilds ran (tests and metrics). */
  rebuilds = 0;

  constructor(options: RebuildLoopOptions) {
    this.options = options;
    this.debouncer = new Debouncer(() => this.rebuild(), {
      clock: options.clock,
      holdoffMs: options.holdoffMs ?? 20,
      maxDelayMs: options.maxDelayMs ?? 200,
    });
  }

  markDirty(): void {
    this.debouncer.trigger();
  }

  whenIdle(): Promise<void> {
    return this.debouncer.whenIdle();
  }

  stop(): void {
    this.debouncer.cancel();
  }

  /** Rebuilds now (the first config, before anything is served); rebuilds never overlap. */
  rebuild(): Promise<void> {
    const next = this.running.then(() => this.rebuildOnce());
    this.running = next.catch(() => undefined);
    return next;
  }

  private running: Promise<void> = Promise.resolve();

  private async rebuildOnce(): Promise<void> {
    this.rebuilds++;
    const build = this.options.build(this.options.snapshot());
    const hash = hashConfig(build.config);
    if (hash === this.appliedHash) {
      this.options.onOutcome({ build, applied: null, error: null, hash });
      return;
    }
    try {
      const applied = await this.options.apply(build.config);
      this.appliedHash = hash;
      this.options.onOutcome({ build, applied, error: null, hash });
    } catch (error) {
      this.options.onOutcome({ build, applied: null, error: error as Error, hash });
    }
  }
}

/** The config's identity: builds are deterministic, so equal configs hash equally. */
export function hashConfig(config: DataPlaneConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
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
