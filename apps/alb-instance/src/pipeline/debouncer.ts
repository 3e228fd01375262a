import type { Clock } from './clock.ts';

/**
 * Runs `task` once things settle: `holdoffMs` after the last `trigger`, but never later than `maxDelayMs` after
 * the first one, so a steady stream of changes cannot postpone a rebuild forever (Contour's holdoff). Never runs
 * two tasks at once: a trigger during a run schedules another run after it.
 */
export class Debouncer {
  private readonly task: () => Promise<void>;
  private readonly clock: Clock;
  private readonly holdoffMs: number;
  private readonly maxDelayMs: number;
  private timer: unknown = null;
  private firstTriggerAt = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private idleWaiters: Array<() => void> = [];

  constructor(task: () => Promise<void>, options: { clock: Clock; holdoffMs: number; maxDelayMs: number }) {
    this.task = task;
    this.clock = options.clock;
    this.holdoffMs = options.holdoffMs;
    this.maxDelayMs = options.maxDelayMs;
  }

  trigger(): void {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    const now = this.clock.now();
    if (this.timer === null) this.firstTriggerAt = now;
    else this.clock.clearTimeout(this.timer);
    const due = Math.min(now + this.holdoffMs, this.firstTriggerAt + this.maxDelayMs);
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, due - now));
  }

  /** Resolves when nothing is scheduled or running (tests wait for a rebuild this way). */
  whenIdle(): Promise<void> {
    if (this.timer === null && this.running === null) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    this.timer = null;
    this.running = this.task().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.trigger();
      } else if (this.timer === null) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
    });
  }
}
