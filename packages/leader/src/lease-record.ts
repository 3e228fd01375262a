/**
 * The election state, as `coordination.k8s.io/v1` `LeaseSpec` holds it. Times are `MicroTime` strings
 * (RFC 3339 with microseconds, `2025-01-02T03:04:05.123456Z`) exactly as the API serves them: the elector writes
 * them for humans and other tools but never reads them back, because remote clocks are not trusted (see `decide`).
 */
export interface LeaseRecord {
  /** Who holds the lease; `null` (or `""`, which reads the same) when nobody does, e.g. after a release. */
  holderIdentity: string | null;
  /** How long, after a candidate sees this record change, the holder is still considered to hold it. */
  leaseDurationSeconds: number;
  /** When the current holder acquired the lease. */
  acquireTime: string | null;
  /** When the holder last renewed the lease. */
  renewTime: string | null;
  /** How many times the lease changed hands. */
  leaseTransitions: number;
}

/** The holder named by a record, with `""` read as nobody (client-go writes `""` on release). */
export function holderOf(record: LeaseRecord | null): string | null {
  const holder = record?.holderIdentity;
  return holder == null || holder === '' ? null : holder;
}

/** Whether two records say the same thing (the lease did not change between two reads). */
export function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    holderOf(a) === holderOf(b) &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

/** A local clock reading (ms since the epoch) as a Kubernetes `MicroTime`: `2025-01-02T03:04:05.123000Z`. */
export function toMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
