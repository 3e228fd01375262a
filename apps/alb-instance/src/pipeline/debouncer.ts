import type { Clock } from './clock.ts';

export type DebouncerOptions = {
  clock: Clock;
  holdoffMs: number;
  maxDelayMs: number;
  /** A task that throws or rejects: reported here, and the next trigger runs it again. */
  onError: (error: Error) => void;
};

/**
 * Runs `task` once things settle: `holdoffMs` after the last `trigger`, but never later than `maxDelayMs` after
 * the first one, so a steady stream of changes cannot postpone a rebuild forever (Contour's holdoff). Never runs
 * two tasks at once: a trigger during a run schedules another run after it. A failing task never escapes.
 */
export class Debouncer {
  private readonly task: () => Promise<void>;
  private readonly options: DebouncerOptions;
  private timer: unknown = null;
  private firstTriggerAt = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private idleWaiters: Array<() => void> = [];

  constructor(task: () => Promise<void>, options: DebouncerOptions) {
    this.task = task;
    this.options = options;
  }

  trigger(): void {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    const { clock, holdoffMs, maxDelayMs } = this.options;
    const now = clock.now();
    if (this.timer === null) this.firstTriggerAt = now;
    else clock.clearTimeout(this.timer);
    const due = Math.min(now + holdoffMs, this.firstTriggerAt + maxDelayMs);
    this.timer = clock.setTimeout(() => this.fire(), Math.max(0, due - now));
  }

  /** Resolves when nothing is scheduled or running (tests wait for a rebuild this way). */
  whenIdle(): Promise<void> {
    if (this.timer === null && this.running === null) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cancel(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    this.again = false;
    if (this.running === null) this.wakeIdle();
  }

  private fire(): void {
    this.timer = null;
    this.running = Promise.resolve()
      .then(() => this.task())
      .catch((error: unknown) => this.options.onError(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.trigger();
        } else if (this.timer === null) {
          this.wakeIdle();
        }
      });
  }

  private wakeIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
