export { systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { decide } from './decide.ts';
export type { DecideInput, Decision, LostReason } from './decide.ts';
export { createElector } from './elector.ts';
export type { Elector, ElectorOptions } from './elector.ts';
export {
  AlbError,
  errorCodes,
  LeaderConfigError,
  LeaderStateError,
  LeaseApiError,
  LeaseConflictError,
} from './errors.ts';
export { KubeLeaseStore } from './kube-lease-store.ts';
export type { LeaseApi, LeaseApiResponse } from './kube-lease-store.ts';
export { holderOf, sameRecord, toMicroTime } from './lease-record.ts';
export type { LeaseRecord } from './lease-record.ts';
export type { LeaseStore, StoredLease } from './lease-store.ts';
export { silentLogger } from './logger.ts';
export type { LeaderLogger, LogFn } from './logger.ts';
export { createManualClock } from './manual-clock.ts';
export type { ManualClock } from './manual-clock.ts';
export { observe } from './observation.ts';
export type { Observation } from './observation.ts';
export { defaultTimings, jitterFactor, resolveTimings } from './timings.ts';
export type { LeaderTimings } from './timings.ts';
