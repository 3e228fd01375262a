import type { Clock } from '../pipeline/clock.ts';

/** `globalThis.gc` under `--expose-gc`, with the options Node accepts. */
export type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export type MemoryTrimOptions = {
  clock: Clock;
  /** Null without `--expose-gc`: the trimmer then does nothing. */
  gc: GcFunction | null;
  memory?: () => { rss: number; heapTotal: number };
  /** How long the config must stay unchanged before a trim. */
  quietMs?: number;
  /** Trim only when the process holds at least this much more than its heap. */
  slackBytes?: number;
  onTrim?: (report: { rssBefore: number; rssAfter: number; ms: number }) => void;
  /** Housekeeping must never end the process: an error (EMFILE reading the memory figures) comes here. */
  onError?: (error: Error) => void;
};

/**
 * Gives memory back once config changes settle. V8 (Node 22 and later) keeps the pages a big rebuild freed
 * resident until a memory-reducing GC, which it runs late and only in part: a 10k-rule instance kept ~600 MB
 * resident for a ~120 MB live heap. So, once the config has not changed for `quietMs`, if the process holds
 * `slackBytes` more than its heap, one memory-reducing major GC runs (a pause of ~100 ms at 100 MB live; workers
 * keep serving). Without `--expose-gc` (tests running from source) it does nothing.
 */
export class MemoryTrimmer {
  private readonly clock: Clock;
  private readonly gc: GcFunction | null;
  private readonly memory: () => { rss: number; heapTotal: number };
  private readonly quietMs: number;
  private readonly slackBytes: number;
  private readonly onTrim: MemoryTrimOptions['onTrim'];
  private readonly onError: MemoryTrimOptions['onError'];
  private timer: unknown = null;
  /** Trims run (metrics, tests). */
  trims = 0;
  /** Trims that failed (metrics, tests). */
  errors = 0;

  constructor(options: MemoryTrimOptions) {
    this.clock = options.clock;
    this.gc = options.gc;
    this.memory = options.memory ?? (() => process.memoryUsage());
    this.quietMs = options.quietMs ?? 2000;
    this.slackBytes = options.slackBytes ?? 64 * 2 ** 20;
    this.onTrim = options.onTrim;
    this.onError = options.onError;
  }

  /** A config was applied: (re)starts the quiet period. */
  noteApply(): void {
    if (this.gc === null) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.trim(), this.quietMs);
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private trim(): void {
    this.timer = null;
    try {
      this.trimNow();
    } catch (error) {
      // process.memoryUsage() opens /proc/self/stat: with descriptors exhausted it throws EMFILE.
      this.errors++;
      this.onError?.(error as Error);
    }
  }

  private trimNow(): void {
    const before = this.memory();
    if (this.gc === null || before.rss - before.heapTotal < this.slackBytes) return;
    const started = this.clock.now();
    this.gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    this.trims++;
    this.onTrim?.({ rssBefore: before.rss, rssAfter: this.memory().rss, ms: this.clock.now() - started });
  }
}

/** `globalThis.gc` when the process runs with `--expose-gc`, else null. */
export function exposedGc(): GcFunction | null {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as GcFunction) : null;
}
