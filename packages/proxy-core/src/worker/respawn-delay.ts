/** A worker that stayed up this long was healthy: its exit starts the crash count afresh. */
export const stableWorkerMs = 10_000;

/** The longest wait before replacing a worker that keeps crashing. */
export const maxRespawnDelayMs = 10_000;

/**
 * How long to wait before replacing a worker, given how many times in a row workers in its slot exited without
 * staying up `stableWorkerMs`: the first replacement is immediate, then 100 ms doubling up to 10 s, so a worker
 * that cannot start (a bad build, a missing file) does not fork in a tight loop.
 */
export function respawnDelayMs(consecutiveCrashes: number): number {
  if (consecutiveCrashes <= 1) return 0;
  return Math.min(maxRespawnDelayMs, 100 * 2 ** (consecutiveCrashes - 2));
}
