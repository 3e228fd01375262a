import { sameRecord } from './lease-record.ts';
import type { LeaseRecord } from './lease-record.ts';
import type { StoredLease } from './lease-store.ts';

/** What a candidate knows about the lease: the record, its version, and when this content was first seen locally. */
export interface Observation {
  record: LeaseRecord;
  version: string;
  /** Local clock (ms) when this record content was first observed: the only time that lease validity uses. */
  observedAt: number;
}

/**
 * Folds a fresh read into the previous observation. The observation time moves only when the content changes
 * (client-go compares the raw record), so a holder that stops renewing is seen as expiring one lease duration
 * after its last change reached us, whatever its own clock wrote into `renewTime`.
 */
export function observe(previous: Observation | null, current: StoredLease | null, now: number): Observation | null {
  if (current === null) return null;
  const unchanged = previous !== null && sameRecord(previous.record, current.record);
  return { record: current.record, version: current.version, observedAt: unchanged ? previous.observedAt : now };
}
