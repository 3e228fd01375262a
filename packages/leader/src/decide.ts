import { holderOf, toMicroTime } from './lease-record.ts';
import type { LeaseRecord } from './lease-record.ts';

export interface DecideInput {
  /** The lease as last read and when its content was first seen locally; `null` when it does not exist. */
  observed: { record: LeaseRecord; observedAt: number } | null;
  /** The local clock, ms. */
  now: number;
  identity: string;
  /** The lease duration this candidate writes (a whole number of seconds). */
  leaseDurationMs: number;
  /** While leading: the local time by which the lease must be renewed (the renew deadline); `null` otherwise. */
  leadingUntil: number | null;
}

export type LostReason = 'deadline' | 'taken' | 'released' | 'deleted';

export type Decision =
  /** Write `record`: `create` it when no lease exists, else update the expired, released or own stale lease. */
  | { kind: 'acquire'; record: LeaseRecord; create: boolean }
  /** I lead and hold the lease: write `record` (same acquireTime and transitions, fresh renewTime). */
  | { kind: 'renew'; record: LeaseRecord }
  /** `holder` holds a lease that is valid until `until` (local time), unless it changes first: retry later. */
  | { kind: 'wait'; holder: string; until: number }
  /** I was leading but the renew deadline passed, or the lease no longer names me: stop leading now. */
  | { kind: 'lost'; reason: LostReason; holder: string | null };

/**
 * One step of client-go's `tryAcquireOrRenew`, as a pure function. Validity is judged from the LOCAL time at which
 * the record was first observed plus its `leaseDurationSeconds`, never from the remote `renewTime`, so the
 * election survives clock skew between candidates (it assumes only that clocks run at about the same rate).
 */
export function decide(input: DecideInput): Decision {
  const { observed, now, identity, leaseDurationMs, leadingUntil } = input;
  const current = observed?.record ?? null;
  const holder = holderOf(current);
  const stamp = toMicroTime(now);
  const mine = (acquireTime: string, leaseTransitions: number): LeaseRecord => ({
    holderIdentity: identity,
    leaseDurationSeconds: leaseDurationMs / 1000,
    acquireTime,
    renewTime: stamp,
    leaseTransitions,
  });

  if (leadingUntil !== null) {
    // A leader that missed its renew deadline stops even if it could still write: others may be about to take over.
    if (now >= leadingUntil) return { kind: 'lost', reason: 'deadline', holder };
    if (current === null) return { kind: 'lost', reason: 'deleted', holder: null };
    if (holder === null) return { kind: 'lost', reason: 'released', holder: null };
    if (holder !== identity) return { kind: 'lost', reason: 'taken', holder };
    return { kind: 'renew', record: mine(current.acquireTime ?? stamp, current.leaseTransitions) };
  }

  // 1. No lease yet: create it.
  if (observed === null || current === null) return { kind: 'acquire', record: mine(stamp, 0), create: true };

  // 2. Someone else holds it and it has not expired by our clock: wait.
  if (holder !== null && holder !== identity) {
    const until = observed.observedAt + leaseMs(current, leaseDurationMs);
    if (until > now) return { kind: 'wait', holder, until };
  }

  // 3. Take it: expired, released, or named after us from an earlier run (no transition then, as in client-go).
  const transitions = holder === identity ? current.leaseTransitions : current.leaseTransitions + 1;
  return { kind: 'acquire', record: mine(stamp, transitions), create: false };
}

/** The holder's stated duration; a missing or nonsensical one counts as ours rather than as "already expired". */
function leaseMs(record: LeaseRecord, fallbackMs: number): number {
  const seconds = record.leaseDurationSeconds;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallbackMs;
}
