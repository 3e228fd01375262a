/** Time, injected so tests run the quiet period without sleeping. */
export type TrimClock = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** `globalThis.gc` under `--expose-gc`, with the options Node accepts. */
export type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export type MemoryTrimOptions = {
  clock: TrimClock;
  /** Null without `--expose-gc`: the trimmer then does nothing. */
  gc: GcFunction | null;
  memory?: () => { rss: number; heapTotal: number };
  /** How long the config must stay unchanged before a trim. */
  quietMs?: number;
  /** Trim only when the process holds at least this much more than its heap. */
  slackBytes?: number;
  /**
   * During a burst of changes: once RSS has grown this much over what it was after the last trim (or at the first
   * apply), trim right after the apply instead of once the config settles. 0: only once it settles.
   */
  burstBudgetBytes?: number;
  onTrim?: (report: TrimReport) => void;
  /** Housekeeping must never end the process: an error (EMFILE reading the memory figures) comes here. */
  onError?: (error: Error) => void;
};

export type TrimReport = { rssBefore: number; rssAfter: number; ms: number; during: 'burst' | 'quiet' };

/**
 * Gives memory back once config changes settle, and during a burst of changes before it outgrows a budget. V8 (Node 22 and later) keeps the pages a big rebuild freed
 * resident until a memory-reducing GC, which it runs late and only in part: a 10k-rule instance kept ~600 MB
 * resident for a ~120 MB live heap. So, once the config has not changed for `quietMs`, if the process holds
 * `slackBytes` more than its heap, one memory-reducing major GC runs (a pause of ~100 ms at 100 MB live; workers
 * keep serving). During a burst V8 lets the heap grow to ~4x what is live before it collects, and keeps the freed
 * pages: at 10k rules, 40 rebuilds in a row took RSS from ~190 to ~620 MB. So after an apply that left RSS
 * `burstBudgetBytes` above where the last trim left it, the same GC runs at once (the price: that pause, every few
 * rebuilds of a big config while the burst lasts). Without `--expose-gc` (tests running from source) it does nothing.
 */
export class MemoryTrimmer {
  private readonly clock: TrimClock;
  private readonly gc: GcFunction | null;
  private readonly memory: () => { rss: number; heapTotal: number };
  private readonly quietMs: number;
  private readonly slackBytes: number;
  private readonly burstBudgetBytes: number;
  /** RSS after the last trim (or at the first apply): what a burst's growth is measured from. */
  private floorRss: number | null = null;
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
    this.burstBudgetBytes = options.burstBudgetBytes ?? 48 * 2 ** 20;
    this.onTrim = options.onTrim;
    this.onError = options.onError;
  }

  /** A config was applied: trims now if a burst outgrew its budget, and (re)starts the quiet period. */
  noteApply(): void {
    if (this.gc === null) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.trim('quiet');
    }, this.quietMs);
    if (this.burstBudgetBytes > 0) this.trim('burst');
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private trim(during: TrimReport['during']): void {
    try {
      this.trimNow(during);
    } catch (error) {
      // process.memoryUsage() opens /proc/self/stat: with descriptors exhausted it throws EMFILE.
      this.errors++;
      this.onError?.(error as Error);
    }
  }

  private trimNow(during: TrimReport['during']): void {
    if (this.gc === null) return;
    const before = this.memory();
    this.floorRss ??= before.rss;
    // In a burst the rebuilds' garbage may still be heap (not yet slack over it): the growth decides.
    const due =
      during === 'burst'
        ? before.rss - this.floorRss >= this.burstBudgetBytes
        : before.rss - before.heapTotal >= this.slackBytes;
    if (!due) return;
    const started = this.clock.now();
    this.gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    this.trims++;
    const rssAfter = this.memory().rss;
    this.floorRss = rssAfter;
    this.onTrim?.({ rssBefore: before.rss, rssAfter, ms: this.clock.now() - started, during });
  }
}

/** `globalThis.gc` when the process runs with `--expose-gc`, else null. */
export function exposedGc(): GcFunction | null {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as GcFunction) : null;
}
