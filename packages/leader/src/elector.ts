import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { decide } from './decide.ts';
import type { Decision, LostReason } from './decide.ts';
import { AlbError, errorCodes, LeaderConfigError, LeaderStateError } from './errors.ts';
import { holderOf, toMicroTime } from './lease-record.ts';
import type { LeaseRecord } from './lease-record.ts';
import type { LeaseStore } from './lease-store.ts';
import { silentLogger } from './logger.ts';
import type { LeaderLogger } from './logger.ts';
import { observe } from './observation.ts';
import type { Observation } from './observation.ts';
import { jitterFactor, resolveTimings } from './timings.ts';
import type { LeaderTimings } from './timings.ts';

export interface ElectorOptions extends Partial<LeaderTimings> {
  store: LeaseStore;
  /** Unique among candidates (ALB uses `<namespace>/<alb>/<pod>`). */
  identity: string;
  /** Defaults to `systemClock`. */
  clock?: Clock;
  /** Uniform in [0, 1): the jitter on a candidate's retry period. Defaults to `Math.random`. */
  random?: () => number;
  /** Called when this candidate becomes leader; `signal` aborts when it stops leading. Not awaited. */
  onStartedLeading: (signal: AbortSignal) => unknown;
  /**
   * Called when it stops leading (lost, or `stop()`). A returned promise is awaited before the elector campaigns
   * again or releases the lease, so leader-only work can finish first.
   */
  onStoppedLeading: () => unknown;
  /** Called when the observed leader changes; `null` when none is known (released, or we just lost ours). */
  onNewLeader?: (identity: string | null) => unknown;
  logger?: LeaderLogger;
}

export interface Elector {
  /** Campaigns (and leads, and campaigns again after losing) until `stop()`; resolves once stopped and released. */
  run(): Promise<void>;
  /** Stops leading (awaiting `onStoppedLeading`), releases the lease if we still hold it, and ends `run()`. */
  stop(): Promise<void>;
  /** Whether we lead now: the lease was renewed and its renew deadline has not passed by the local clock. */
  isLeader(): boolean;
  /** The holder of the lease as last observed; `null` when none, or when it names us but we no longer lead. */
  leader(): string | null;
}

/** The result of one `tryAcquireOrRenew`, applied to the elector's state only if it came back in time. */
type Attempt =
  | { kind: 'held'; observed: Observation; startedAt: number; acquired: boolean }
  | { kind: 'refused'; observed: Observation | null; decision: Decision & { kind: 'wait' | 'lost' } }
  | { kind: 'failed'; observed: Observation | null | undefined; error: unknown };

const timedOut = Symbol('timed out');
const aborted = Symbol('aborted');

/**
 * An elector over a `LeaseStore`, following client-go's `LeaderElector`: a candidate retries every retry period
 * (jittered) until `decide` lets it acquire; a leader renews every retry period, first optimistically with the
 * version it last wrote (client-go's fast path), and stops leading if no renewal succeeds before the renew deadline.
 * Unlike client-go it keeps campaigning after losing, so a process can stay up and follow.
 */
export function createElector(options: ElectorOptions): Elector {
  const { store, identity, onStartedLeading, onStoppedLeading, onNewLeader } = checkOptions(options);
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = resolveTimings(options);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const log = options.logger ?? silentLogger;

  let observed: Observation | null = null;
  /** Set while leading; aborts when we stop leading. */
  let leading: AbortController | null = null;
  /** While leading: local time by which a renewal must succeed (measured from the start of the last good attempt). */
  let deadline = 0;
  let reported: string | null = null;
  const stopping = new AbortController();
  let running: Promise<void> | null = null;

  const isLeader = (): boolean => leading !== null && clock.now() < deadline;
  const leader = (): string | null => {
    const holder = holderOf(observed?.record ?? null);
    return holder === identity && !isLeader() ? null : holder;
  };

  function call(name: string, fn: () => unknown): Promise<void> {
    try {
      return Promise.resolve(fn()).then(
        () => undefined,
        (error: unknown) => log.error({ err: error, callback: name }, `${name} failed`),
      );
    } catch (error) {
      log.error({ err: error, callback: name }, `${name} failed`);
      return Promise.resolve();
    }
  }

  function report(): void {
    const current = leader();
    if (current === reported) return;
    reported = current;
    log.info({ leader: current }, current === null ? 'no leader' : `leader is ${current}`);
    if (onNewLeader) void call('onNewLeader', () => onNewLeader(current));
  }

  function startLeading(): void {
    leading = new AbortController();
    log.info({ identity }, 'started leading');
    const signal = leading.signal;
    void call('onStartedLeading', () => onStartedLeading(signal));
  }

  function stopLeading(reason: LostReason | 'stopping'): Promise<void> {
    const was = leading;
    if (was === null) return Promise.resolve();
    leading = null;
    was.abort();
    log.info({ identity, reason }, 'stopped leading');
    const done = call('onStoppedLeading', onStoppedLeading);
    report();
    return done;
  }

  /** One round of client-go's `tryAcquireOrRenew`. Reads state, never writes it: the caller applies the result. */
  async function tryAcquireOrRenew(signal: AbortSignal): Promise<Attempt> {
    const startedAt = clock.now();
    // 1. Fast path: a leader writes over the version it last wrote, without reading first.
    if (leading !== null && observed !== null) {
      const fast = decide({ observed, now: startedAt, identity, leaseDurationMs, leadingUntil: deadline });
      if (fast.kind === 'renew') {
        try {
          const { version } = await store.update(fast.record, observed.version, signal);
          return { kind: 'held', observed: written(fast.record, version), startedAt, acquired: false };
        } catch (error) {
          if (signal.aborted) return { kind: 'failed', observed: undefined, error };
          log.debug?.({ err: error }, 'optimistic renew failed, reading the lease');
        }
      }
    }
    // 2. Read the lease, noting when its content last changed by our clock.
    let seen: Observation | null;
    try {
      seen = observe(observed, await store.get(signal), clock.now());
    } catch (error) {
      return { kind: 'failed', observed: undefined, error };
    }
    // An abandoned attempt must not go on to write: its caller has moved on.
    if (signal.aborted) return { kind: 'failed', observed: undefined, error: signal.reason };
    // 3. Decide: wait for a valid lease held by someone else, or notice that we lost ours.
    const decision = decide({
      observed: seen,
      now: clock.now(),
      identity,
      leaseDurationMs,
      leadingUntil: leading !== null ? deadline : null,
    });
    if (decision.kind === 'wait' || decision.kind === 'lost') return { kind: 'refused', observed: seen, decision };
    // 4. Write: create, take over (transitions + 1) or renew. A conflict means someone else wrote first.
    try {
      const { version } =
        decision.kind === 'acquire' && decision.create
          ? await store.create(decision.record, signal)
          : await store.update(decision.record, seen!.version, signal);
      return {
        kind: 'held',
        observed: written(decision.record, version),
        startedAt,
        acquired: decision.kind === 'acquire',
      };
    } catch (error) {
      return { kind: 'failed', observed: seen, error };
    }
  }

  function written(record: LeaseRecord, version: string): Observation {
    return { record, version, observedAt: clock.now() };
  }

  /** Runs one attempt, abandoning it (and aborting its store calls) at `until` or on stop. */
  async function attempt(until: number): Promise<void> {
    const bound = new AbortController();
    const onStop = (): void => bound.abort();
    stopping.signal.addEventListener('abort', onStop, { once: true });
    const timer = clock
      .sleep(until - clock.now(), bound.signal)
      .then((): typeof aborted | typeof timedOut => (bound.signal.aborted ? aborted : timedOut));
    const result = await Promise.race([tryAcquireOrRenew(bound.signal), timer]);
    bound.abort();
    stopping.signal.removeEventListener('abort', onStop);

    if (result === aborted) return;
    if (result === timedOut) {
      log.warn({ identity, leading: leading !== null }, 'lease store did not answer in time');
      if (leading !== null) await stopLeading('deadline');
      return;
    }
    await apply(result);
  }

  async function apply(result: Attempt): Promise<void> {
    if (result.kind === 'held') {
      observed = result.observed;
      const renewBy = result.startedAt + renewDeadlineMs;
      if (clock.now() >= renewBy) {
        log.warn({ identity }, 'lease written too late to count');
        if (leading !== null) await stopLeading('deadline');
      } else {
        deadline = renewBy;
        if (result.acquired)
          log.info({ identity, transitions: result.observed.record.leaseTransitions }, 'acquired lease');
        else log.debug?.({ identity }, 'renewed lease');
        if (leading === null) startLeading();
      }
    } else if (result.kind === 'refused') {
      observed = result.observed;
      const { decision } = result;
      if (decision.kind === 'lost') await stopLeading(decision.reason);
      else log.debug?.({ holder: decision.holder, untilMs: decision.until - clock.now() }, 'lease held by another');
    } else {
      if (result.observed !== undefined) observed = result.observed;
      if (isConflict(result.error)) log.debug?.({ err: result.error }, 'lost the race for the lease, will retry');
      else log.warn({ err: result.error }, 'lease store failed, will retry');
    }
    report();
  }

  async function loop(): Promise<void> {
    const signal = stopping.signal;
    while (!signal.aborted) {
      if (leading !== null && clock.now() >= deadline) await stopLeading('deadline');
      await attempt(leading !== null ? deadline : clock.now() + renewDeadlineMs);
      if (signal.aborted) break;
      const pause =
        leading !== null
          ? Math.min(retryPeriodMs, deadline - clock.now())
          : retryPeriodMs * (1 + random() * jitterFactor);
      await clock.sleep(pause, signal);
    }
    await stopLeading('stopping');
    await release();
  }

  /** client-go's ReleaseOnCancel: if the lease still names us, free it so another candidate takes over at once. */
  async function release(): Promise<void> {
    if (observed === null || holderOf(observed.record) !== identity) return;
    const now = clock.now();
    const record: LeaseRecord = {
      holderIdentity: null,
      leaseDurationSeconds: 1,
      acquireTime: toMicroTime(now),
      renewTime: toMicroTime(now),
      leaseTransitions: observed.record.leaseTransitions,
    };
    const bound = new AbortController();
    const timer = clock.sleep(renewDeadlineMs, bound.signal).then((): typeof timedOut => timedOut);
    try {
      const result = await Promise.race([store.update(record, observed.version, bound.signal), timer]);
      if (result === timedOut) log.warn({ identity }, 'lease store did not answer, lease not released');
      else {
        observed = written(record, result.version);
        log.info({ identity }, 'released lease');
      }
    } catch (error) {
      log.warn({ err: error }, 'could not release the lease');
    } finally {
      bound.abort();
    }
    report();
  }

  return {
    isLeader,
    leader,
    run() {
      if (stopping.signal.aborted && running === null) {
        return Promise.reject(new LeaderStateError('run() after stop(): create a new elector'));
      }
      running ??= loop();
      return running;
    },
    async stop() {
      stopping.abort();
      if (running !== null) await running;
    },
  };
}

function isConflict(error: unknown): boolean {
  return error instanceof AlbError && error.code === errorCodes.conflict;
}

function checkOptions(options: ElectorOptions): ElectorOptions {
  const { store, identity } = options;
  if (typeof identity !== 'string' || identity.trim() === '') {
    throw new LeaderConfigError('identity', 'identity must be a non-empty string unique among candidates');
  }
  if (store == null || !['get', 'create', 'update'].every((m) => typeof store[m as keyof LeaseStore] === 'function')) {
    throw new LeaderConfigError('store', 'store must be a LeaseStore with get, create and update methods');
  }
  for (const name of ['onStartedLeading', 'onStoppedLeading'] as const) {
    if (typeof options[name] !== 'function') throw new LeaderConfigError(name, `${name} must be a function`);
  }
  if (options.onNewLeader !== undefined && typeof options.onNewLeader !== 'function') {
    throw new LeaderConfigError('onNewLeader', 'onNewLeader must be a function when given');
  }
  return options;
}
