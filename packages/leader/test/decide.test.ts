// decide(): client-go's tryAcquireOrRenew steps as a table. Times are local ms; t(s) is s seconds after T0.
import t from 'tap';
import { decide, toMicroTime } from '../src/index.ts';
import type { DecideInput, Decision, LeaseRecord } from '../src/index.ts';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const at = (s: number): number => T0 + s * 1000;
const micro = (s: number): string => toMicroTime(at(s));

const lease = (parts: Partial<LeaseRecord>): LeaseRecord => ({
  holderIdentity: 'other',
  leaseDurationSeconds: 15,
  acquireTime: micro(-100),
  renewTime: micro(-1),
  leaseTransitions: 3,
  ...parts,
});

const base: DecideInput = { observed: null, now: at(0), identity: 'me', leaseDurationMs: 15_000, leadingUntil: null };
const mine = (acquireS: number, transitions: number): LeaseRecord => ({
  holderIdentity: 'me',
  leaseDurationSeconds: 15,
  acquireTime: micro(acquireS),
  renewTime: micro(0),
  leaseTransitions: transitions,
});

type Case = { name: string; input: Partial<DecideInput>; want: Decision };

const cases: Case[] = [
  {
    name: 'no lease: create it, no transition yet',
    input: {},
    want: { kind: 'acquire', record: mine(0, 0), create: true },
  },
  {
    name: "another's lease observed 5 s ago: wait until observed + its duration",
    input: { observed: { record: lease({}), observedAt: at(-5) } },
    want: { kind: 'wait', holder: 'other', until: at(10) },
  },
  {
    name: "another's lease uses the duration it states, not ours",
    input: { observed: { record: lease({ leaseDurationSeconds: 120 }), observedAt: at(-100) } },
    want: { kind: 'wait', holder: 'other', until: at(20) },
  },
  {
    name: "another's lease observed exactly one duration ago: expired, take over with transitions + 1",
    input: { observed: { record: lease({}), observedAt: at(-15) } },
    want: { kind: 'acquire', record: mine(0, 4), create: false },
  },
  {
    name: 'skew: remote renewTime far in the future, but unchanged for a lease duration here: take over',
    input: { observed: { record: lease({ renewTime: micro(3600) }), observedAt: at(-16) } },
    want: { kind: 'acquire', record: mine(0, 4), create: false },
  },
  {
    name: 'skew: remote renewTime an hour in the past, but it just changed here: wait',
    input: { observed: { record: lease({ renewTime: micro(-3600) }), observedAt: at(-1) } },
    want: { kind: 'wait', holder: 'other', until: at(14) },
  },
  {
    name: 'released lease (holder null): acquire at once with transitions + 1',
    input: { observed: { record: lease({ holderIdentity: null, leaseDurationSeconds: 1 }), observedAt: at(0) } },
    want: { kind: 'acquire', record: mine(0, 4), create: false },
  },
  {
    name: 'released lease as client-go writes it (holder ""): acquire at once',
    input: { observed: { record: lease({ holderIdentity: '' }), observedAt: at(0) } },
    want: { kind: 'acquire', record: mine(0, 4), create: false },
  },
  {
    name: 'lease naming us from an earlier run, not leading: acquire without a transition',
    input: { observed: { record: lease({ holderIdentity: 'me' }), observedAt: at(0) } },
    want: { kind: 'acquire', record: mine(0, 3), create: false },
  },
  {
    name: 'a holder stating no duration is given ours, not treated as expired',
    input: { observed: { record: lease({ leaseDurationSeconds: 0 }), observedAt: at(-5) } },
    want: { kind: 'wait', holder: 'other', until: at(10) },
  },
  {
    name: 'leading and holding it: renew, keeping acquireTime and transitions',
    input: {
      observed: { record: lease({ holderIdentity: 'me', acquireTime: micro(-50) }), observedAt: at(-2) },
      leadingUntil: at(8),
    },
    want: { kind: 'renew', record: mine(-50, 3) },
  },
  {
    name: 'leading: renew writes our duration even if the record says otherwise',
    input: {
      observed: {
        record: lease({ holderIdentity: 'me', acquireTime: micro(-50), leaseDurationSeconds: 7 }),
        observedAt: at(-2),
      },
      leadingUntil: at(8),
    },
    want: { kind: 'renew', record: mine(-50, 3) },
  },
  {
    name: 'leading past the renew deadline: lost, even though the lease still names us',
    input: { observed: { record: lease({ holderIdentity: 'me' }), observedAt: at(-10) }, leadingUntil: at(0) },
    want: { kind: 'lost', reason: 'deadline', holder: 'me' },
  },
  {
    name: 'leading but the lease names someone else: lost',
    input: { observed: { record: lease({}), observedAt: at(0) }, leadingUntil: at(8) },
    want: { kind: 'lost', reason: 'taken', holder: 'other' },
  },
  {
    name: 'leading but the lease was released by someone: lost',
    input: { observed: { record: lease({ holderIdentity: null }), observedAt: at(0) }, leadingUntil: at(8) },
    want: { kind: 'lost', reason: 'released', holder: null },
  },
  {
    name: 'leading but the lease was deleted: lost',
    input: { leadingUntil: at(8) },
    want: { kind: 'lost', reason: 'deleted', holder: null },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.same(decide({ ...base, ...c.input }), c.want);
  });
}

t.test('decide is pure: it does not touch its input', async (t) => {
  const record = lease({});
  const input: DecideInput = { ...base, observed: { record, observedAt: at(-20) } };
  const copy = structuredClone(input);
  decide(input);
  t.same(input, copy);
});

t.test('times are MicroTime strings with microseconds', async (t) => {
  t.equal(toMicroTime(Date.parse('2025-01-02T03:04:05.123Z')), '2025-01-02T03:04:05.123000Z');
});
