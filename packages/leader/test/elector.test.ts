// The elector against a real in-memory LeaseStore and a manual clock: no real timers, no Kubernetes.
// Times in events are seconds since the test started; jitter is off (random = 0) unless a test says otherwise.
import t from 'tap';
import { createElector, createManualClock, LeaderStateError, toMicroTime } from '../src/index.ts';
import type { Clock, ElectorOptions, LeaderLogger, ManualClock } from '../src/index.ts';
import { createMemoryLease } from './memory-lease-store.ts';
import type { MemoryLease } from './memory-lease-store.ts';

const T0 = Date.parse('2025-03-01T10:00:00Z');
type Event = [seconds: number, what: string];

function world() {
  const clock = createManualClock(T0);
  const lease = createMemoryLease(clock.now);
  const secs = (): number => (clock.now() - T0) / 1000;
  const advanceTo = (s: number): Promise<void> => clock.advance(T0 + s * 1000 - clock.now());
  return { clock, lease, secs, advanceTo };
}

function candidate(
  w: { clock: ManualClock; lease: MemoryLease; secs: () => number },
  name: string,
  options: Partial<ElectorOptions> & { clockOffsetMs?: number } = {},
) {
  const events: Event[] = [];
  const logs: Array<[level: string, message: string]> = [];
  const logger: LeaderLogger = {
    debug: (_f, m) => void logs.push(['debug', m]),
    info: (_f, m) => void logs.push(['info', m]),
    warn: (_f, m) => void logs.push(['warn', m]),
    error: (_f, m) => void logs.push(['error', m]),
  };
  const offset = options.clockOffsetMs ?? 0;
  const clock: Clock = { now: () => w.clock.now() + offset, sleep: (ms, signal) => w.clock.sleep(ms, signal) };
  const client = w.lease.client(name);
  const elector = createElector({
    store: client,
    identity: name,
    clock,
    random: () => 0,
    logger,
    onStartedLeading: (signal) => {
      events.push([w.secs(), 'started']);
      signal.addEventListener('abort', () => events.push([w.secs(), 'signal aborted']));
    },
    onStoppedLeading: () => void events.push([w.secs(), 'stopped']),
    onNewLeader: (id) => void events.push([w.secs(), `leader ${id}`]),
    ...options,
  });
  const done = elector.run();
  return { elector, client, events, logs, done };
}

const callsOf = (lease: MemoryLease, client: string) =>
  lease.calls.filter((c) => c.client === client).map((c) => `${(c.at - T0) / 1000} ${c.op} ${c.outcome}`);

t.test('a single candidate creates the lease, then renews every retry period without reading it', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  await w.advanceTo(9);
  t.same(a.events, [
    [0, 'started'],
    [0, 'leader a'],
  ]);
  t.same(callsOf(w.lease, 'a'), [
    '0 get ok',
    '0 create ok',
    '2 update ok',
    '4 update ok',
    '6 update ok',
    '8 update ok',
  ]);
  t.same(w.lease.current()?.record, {
    holderIdentity: 'a',
    leaseDurationSeconds: 15,
    acquireTime: toMicroTime(T0),
    renewTime: toMicroTime(T0 + 8000),
    leaseTransitions: 0,
  });
  t.ok(a.elector.isLeader());
  t.equal(a.elector.leader(), 'a');
  await a.elector.stop();
  await a.done;
  t.same(a.events.slice(2), [
    [9, 'signal aborted'],
    [9, 'stopped'],
    [9, 'leader null'],
  ]);
  t.same(w.lease.current()?.record, {
    holderIdentity: null,
    leaseDurationSeconds: 1,
    acquireTime: toMicroTime(T0 + 9000),
    renewTime: toMicroTime(T0 + 9000),
    leaseTransitions: 0,
  });
  t.notOk(a.elector.isLeader());
  t.equal(w.clock.pending(), 0, 'nothing left sleeping');
});

t.test('two candidates: one leads, the other follows for as long as the leader renews', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  await w.advanceTo(1);
  const b = candidate(w, 'b');
  await w.advanceTo(120);
  t.ok(a.elector.isLeader());
  t.notOk(b.elector.isLeader());
  t.equal(b.elector.leader(), 'a');
  t.same(b.events, [[1, 'leader a']]);
  t.ok(
    callsOf(w.lease, 'b').every((c) => c.endsWith('get ok')),
    'the follower only reads',
  );
  t.equal(callsOf(w.lease, 'b').length, 60, 'every 2 s from 1 s to 119 s');
  t.equal(w.lease.current()?.record.leaseTransitions, 0);
  await Promise.all([a.elector.stop(), b.elector.stop()]);
});

// The leader is cut off at 10.5 s; its last good renewal started at 10 s. It stops leading at its renew deadline
// (20 s). The follower last saw the lease change at 11 s (its poll after the 10 s renewal), so it takes over at its
// first poll at or after 11 + 15 = 26 s: 27 s. The leader's clock skew changes none of this.
for (const [skew, clockOffsetMs] of [
  ['no skew', 0],
  ['leader clock an hour ahead', 3_600_000],
  ['leader clock an hour behind', -3_600_000],
] as const) {
  t.test(
    `leader cut off (${skew}): it stops at its renew deadline, the other takes over a lease duration after its last observed change`,
    async (t) => {
      const w = world();
      const a = candidate(w, 'a', { clockOffsetMs });
      await w.advanceTo(1);
      const b = candidate(w, 'b');
      await w.advanceTo(10.5);
      a.client.network = 'error';
      await w.advanceTo(19.9);
      t.ok(a.elector.isLeader(), 'still leading before the deadline');
      await w.advanceTo(30);
      t.same(a.events, [
        [0, 'started'],
        [0, 'leader a'],
        [20, 'signal aborted'],
        [20, 'stopped'],
        [20, 'leader null'],
      ]);
      t.same(b.events, [
        [1, 'leader a'],
        [27, 'started'],
        [27, 'leader b'],
      ]);
      t.same(w.lease.current()?.record.holderIdentity, 'b');
      t.same(w.lease.current()?.record.leaseTransitions, 1, 'a takeover counts a transition');
      t.same(
        callsOf(w.lease, 'a').filter((c) => c.startsWith('1')),
        [
          '10 update ok',
          '12 update error',
          '12 get error',
          '14 update error',
          '14 get error',
          '16 update error',
          '16 get error',
          '18 update error',
          '18 get error',
        ],
        'a leader retries every retry period until the deadline',
      );
      t.ok(a.logs.some(([level, m]) => level === 'warn' && /lease store failed/.test(m)));

      a.client.network = 'ok';
      await w.advanceTo(34);
      t.equal(a.elector.leader(), 'b', 'the old leader follows once it can read again');
      t.notOk(a.elector.isLeader());
      t.same(a.events.at(-1)?.[1], 'leader b');
      await Promise.all([a.elector.stop(), b.elector.stop()]);
    },
  );
}

t.test('a leader whose store hangs: the call is aborted and leadership ends at the renew deadline', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  await w.advanceTo(10.5);
  a.client.network = 'hang';
  await w.advanceTo(19.9);
  t.ok(a.elector.isLeader());
  t.same(a.events.at(-1), [0, 'leader a']);
  await w.advanceTo(20);
  t.notOk(a.elector.isLeader());
  t.same(a.events.slice(2), [
    [20, 'signal aborted'],
    [20, 'stopped'],
    [20, 'leader null'],
  ]);
  t.same(callsOf(w.lease, 'a').slice(-1), ['12 update aborted'], 'the hung renewal was aborted');
  a.client.network = 'ok';
  await a.elector.stop();
  t.equal(w.lease.current()?.record.holderIdentity, null, 'the lease still named it, so stop() released it');
});

t.test('two candidates racing to create: the loser gets a conflict, retries, and follows', async (t) => {
  const w = world();
  const b = candidate(w, 'b');
  b.client.holdWrites = true;
  const a = candidate(w, 'a');
  await w.advanceTo(0.5);
  t.ok(a.elector.isLeader());
  b.client.releaseWrites();
  await w.advanceTo(3);
  // b's create was held until 0.5 s, failed with a conflict, and b retried one retry period later.
  t.same(callsOf(w.lease, 'b'), ['0 get ok', '0 create conflict', '2.5 get ok']);
  t.notOk(b.elector.isLeader());
  t.equal(b.elector.leader(), 'a');
  t.same(b.events, [[2.5, 'leader a']]);
  t.ok(b.logs.some(([level, m]) => level === 'debug' && /lost the race/.test(m)));
  t.notOk(
    b.logs.some(([level]) => level === 'warn' || level === 'error'),
    'a conflict is not a failure',
  );
  await Promise.all([a.elector.stop(), b.elector.stop()]);
});

t.test('a stale version on the fast path: read, then renew; leadership is not interrupted', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  await w.advanceTo(3);
  w.lease.put(w.lease.current()!.record); // someone else wrote (labels, say): same content, new version
  await w.advanceTo(5);
  t.same(callsOf(w.lease, 'a').slice(-3), ['4 update conflict', '4 get ok', '4 update ok']);
  t.ok(a.elector.isLeader());
  t.same(a.events, [
    [0, 'started'],
    [0, 'leader a'],
  ]);
  await a.elector.stop();
});

t.test('the lease taken over by another holder: the leader stops at once and follows', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  await w.advanceTo(3);
  w.lease.put({ ...w.lease.current()!.record, holderIdentity: 'x', leaseTransitions: 1 });
  await w.advanceTo(5);
  t.same(a.events, [
    [0, 'started'],
    [0, 'leader a'],
    [4, 'signal aborted'],
    [4, 'stopped'],
    [4, 'leader x'],
  ]);
  t.notOk(a.elector.isLeader());
  t.equal(w.lease.current()?.record.holderIdentity, 'x', 'nothing overwritten');
  await a.elector.stop();
  t.equal(w.lease.current()?.record.holderIdentity, 'x', 'not released: it is not ours');
});

t.test('the lease deleted under the leader: it stops leading, then creates it again', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  await w.advanceTo(3);
  w.lease.put(null);
  await w.advanceTo(7);
  t.same(a.events, [
    [0, 'started'],
    [0, 'leader a'],
    [4, 'signal aborted'],
    [4, 'stopped'],
    [4, 'leader null'],
    [6, 'started'],
    [6, 'leader a'],
  ]);
  t.equal(w.lease.current()?.record.leaseTransitions, 0, 'a new lease starts counting again');
  await a.elector.stop();
});

t.test(
  'stop() releases the lease: the follower takes over at its next retry, not a lease duration later',
  async (t) => {
    const w = world();
    const a = candidate(w, 'a');
    await w.advanceTo(1);
    const b = candidate(w, 'b');
    await w.advanceTo(6.5);
    await a.elector.stop();
    await a.done;
    t.same(a.events.slice(-3), [
      [6.5, 'signal aborted'],
      [6.5, 'stopped'],
      [6.5, 'leader null'],
    ]);
    await w.advanceTo(8);
    t.same(b.events, [
      [1, 'leader a'],
      [7, 'started'],
      [7, 'leader b'],
    ]);
    t.equal(w.lease.current()?.record.leaseTransitions, 1);
    await b.elector.stop();
  },
);

t.test('stop() waits for an async onStoppedLeading before releasing', async (t) => {
  const w = world();
  const a = candidate(w, 'a', { onStoppedLeading: () => w.clock.sleep(3000) });
  await w.advanceTo(1);
  let stopped = false;
  const stopping = a.elector.stop().then(() => (stopped = true));
  await w.advanceTo(2);
  t.notOk(stopped);
  t.equal(w.lease.current()?.record.holderIdentity, 'a', 'still held while leader-only work winds down');
  t.notOk(a.elector.isLeader(), 'but no longer leading');
  await w.advanceTo(4);
  await stopping;
  t.equal(w.lease.current()?.record.holderIdentity, null);
});

t.test('stop() while the store hangs gives up on the release after the renew deadline', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  await w.advanceTo(1);
  a.client.network = 'hang';
  let stopped = false;
  const stopping = a.elector.stop().then(() => (stopped = true));
  await w.advanceTo(10.9);
  t.notOk(stopped);
  await w.advanceTo(11);
  await stopping;
  t.equal(w.lease.current()?.record.holderIdentity, 'a', 'not released');
  t.ok(a.logs.some(([level, m]) => level === 'warn' && /not released/.test(m)));
});

t.test('a candidate retries after a jittered period: retry × (1 + random × 1.2)', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  await w.advanceTo(1);
  const b = candidate(w, 'b', { random: () => 0.5 });
  await w.advanceTo(11);
  t.same(callsOf(w.lease, 'b'), ['1 get ok', '4.2 get ok', '7.4 get ok', '10.6 get ok']);
  t.same(callsOf(w.lease, 'a').slice(1, 4), ['0 create ok', '2 update ok', '4 update ok'], 'a leader never jitters');
  await Promise.all([a.elector.stop(), b.elector.stop()]);
});

t.test('callbacks that throw or reject are logged; the election goes on', async (t) => {
  const w = world();
  const a = candidate(w, 'a', {
    onStartedLeading: () => {
      throw new Error('boom');
    },
    onNewLeader: () => Promise.reject(new Error('bang')),
  });
  await w.advanceTo(5);
  t.ok(a.elector.isLeader());
  t.same(
    a.logs.filter(([level]) => level === 'error'),
    [
      ['error', 'onStartedLeading failed'],
      ['error', 'onNewLeader failed'],
    ],
  );
  await a.elector.stop();
});

t.test('run() and stop() order', async (t) => {
  const w = world();
  const a = candidate(w, 'a');
  t.equal(a.elector.run(), a.done, 'run() while running returns the same promise');
  await a.elector.stop();
  await a.elector.stop();
  const idle = createElector({
    store: w.lease.client('idle'),
    identity: 'idle',
    clock: w.clock,
    onStartedLeading: () => {},
    onStoppedLeading: () => {},
  });
  await idle.stop();
  await t.rejects(idle.run(), LeaderStateError);
  await t.rejects(idle.run(), { code: 'ALB_LEADER_STATE', message: /create a new elector/ });
  t.same(callsOf(w.lease, 'idle'), [], 'a stopped elector never touches the store');
});
