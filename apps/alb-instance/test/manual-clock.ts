import type { Clock } from '../src/pipeline/clock.ts';

export type ManualClock = Clock & {
  /**
   * Moves time forward by `ms`, running each timer due on the way in due order, and lets the code it wakes run
   * (pending promise callbacks and I/O callbacks settle) before moving on, so timers set meanwhile fire too.
   */
  advance(ms: number): Promise<void>;
  /** Timers set and not yet run or cleared, with the delay each asked for. */
  pending(): number[];
  /** Every delay ever asked for, in order (to check backoffs). */
  delays: number[];
};

/** A clock that moves only when told to: tests drive debounces, retries and backoffs without sleeping. */
export function manualClock(start = 0): ManualClock {
  let now = start;
  let seq = 0;
  let timers: Array<{ due: number; seq: number; ms: number; fn: () => void }> = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const delays: number[] = [];
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { due: now + Math.max(0, ms), seq: seq++, ms, fn };
      timers.push(timer);
      delays.push(ms);
      return timer;
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer !== handle);
    },
    pending: () => timers.map((timer) => timer.ms),
    delays,
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        const next = timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
        if (next === undefined) break;
        timers = timers.filter((t) => t !== next);
        now = next.due;
        next.fn();
        await settle();
      }
      now = target;
      await settle();
    },
  };
}
