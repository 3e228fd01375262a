import type { LeaseRecord } from './lease-record.ts';

/** A lease as stored, with the store's opaque version (a Kubernetes `resourceVersion`). */
export interface StoredLease {
  record: LeaseRecord;
  version: string;
}

/**
 * The whole I/O surface of an election: one lease object, read and written with optimistic concurrency. The app
 * implements it over `coordination.k8s.io/v1` Leases; tests use an in-memory one.
 *
 * - `get` resolves `null` when the lease does not exist (404).
 * - `create` and `update` resolve the new version, and reject with `LeaseConflictError` when someone else wrote
 *   first: the lease already exists (409 AlreadyExists) or `version` is stale (409 Conflict).
 * - Any other rejection is a failed attempt: the elector logs it and retries.
 * - `signal` aborts when the elector gives up on the call (renew deadline, stop); honour it so requests do not pile up.
 */
export interface LeaseStore {
  get(signal?: AbortSignal): Promise<StoredLease | null>;
  create(record: LeaseRecord, signal?: AbortSignal): Promise<{ version: string }>;
  update(record: LeaseRecord, version: string, signal?: AbortSignal): Promise<{ version: string }>;
}
