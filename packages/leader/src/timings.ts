import { LeaderConfigError } from './errors.ts';

/** client-go's `JitterFactor`: a candidate waits between 1 and 1 + 1.2 retry periods between attempts. */
export const jitterFactor = 1.2;

export interface LeaderTimings {
  /** How long a candidate waits, from the last change it saw, before taking over a lease. Whole seconds. */
  leaseDurationMs: number;
  /** How long a leader keeps trying to renew before it gives up leading. */
  renewDeadlineMs: number;
  /** How long to wait between attempts. */
  retryPeriodMs: number;
}

/** client-go's and controller-runtime's defaults: 15 s / 10 s / 2 s. */
export const defaultTimings: Readonly<LeaderTimings> = Object.freeze({
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
});

/**
 * Fills in defaults and checks the timings as client-go's `NewLeaderElector` does; throws `LeaderConfigError`
 * (`ALB_LEADER_CONFIG`) naming the field. Exported so an app can reject bad flags before it starts anything.
 */
export function resolveTimings(input: Partial<LeaderTimings> = {}): LeaderTimings {
  const timings: LeaderTimings = {
    leaseDurationMs: input.leaseDurationMs ?? defaultTimings.leaseDurationMs,
    renewDeadlineMs: input.renewDeadlineMs ?? defaultTimings.renewDeadlineMs,
    retryPeriodMs: input.retryPeriodMs ?? defaultTimings.retryPeriodMs,
  };
  for (const field of ['leaseDurationMs', 'renewDeadlineMs', 'retryPeriodMs'] as const) {
    const value: unknown = timings[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new LeaderConfigError(field, `${field} must be a positive integer (milliseconds), got ${String(value)}`);
    }
  }
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = timings;
  if (leaseDurationMs % 1000 !== 0) {
    throw new LeaderConfigError(
      'leaseDurationMs',
      `leaseDurationMs must be a whole number of seconds (a Lease stores leaseDurationSeconds), got ${leaseDurationMs}`,
    );
  }
  if (leaseDurationMs <= renewDeadlineMs) {
    throw new LeaderConfigError(
      'leaseDurationMs',
      `leaseDurationMs (${leaseDurationMs}) must be greater than renewDeadlineMs (${renewDeadlineMs})`,
    );
  }
  if (renewDeadlineMs <= jitterFactor * retryPeriodMs) {
    throw new LeaderConfigError(
      'renewDeadlineMs',
      `renewDeadlineMs (${renewDeadlineMs}) must be greater than ${jitterFactor} × retryPeriodMs (${jitterFactor * retryPeriodMs})`,
    );
  }
  return timings;
}
