import type { Clock } from './clock.ts';

/** A `Clock` that moves only when told to. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, waking each sleeper due on the way in due order, and lets the woken code run
   * (pending promise callbacks settle) before moving on, so sleeps it starts within the window wake too.
   */
  advance(ms: number): Promise<void>;
  /** Sleeps not yet woken. */
  pending(): number;
}

interface Sleeper {
  due: number;
  seq: number;
  wake: () => void;
}

/** A manual clock starting at `startMs` (ms since the epoch), for tests of code that takes a `Clock`. */
export function createManualClock(startMs = 0): ManualClock {
  let now = startMs;
  let seq = 0;
  let sleepers: Sleeper[] = [];

  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  return {
    now: () => now,
    pending: () => sleepers.length,
    sleep(ms, signal) {
      if (signal?.aborted || !(ms > 0)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const sleeper: Sleeper = {
          due: now + ms,
          seq: seq++,
          wake: () => {
            sleepers = sleepers.filter((s) => s !== sleeper);
            signal?.removeEventListener('abort', sleeper.wake);
            resolve();
          },
        };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', sleeper.wake, { once: true });
      });
    },
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        const next = sleepers.filter((s) => s.due <= target).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
        if (next === undefined) break;
        now = next.due;
        next.wake();
        await settle();
      }
      now = target;
      await settle();
    },
  };
}
