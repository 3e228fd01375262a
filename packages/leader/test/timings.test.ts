// Timing validation at construction, as client-go's NewLeaderElector, with messages that name the field.
import t from 'tap';
import { createElector, defaultTimings, LeaderConfigError, resolveTimings } from '../src/index.ts';
import type { ElectorOptions, LeaderTimings } from '../src/index.ts';
import { createMemoryLease } from './memory-lease-store.ts';

type Case = { name: string; input: Partial<LeaderTimings>; want: { field: string; message: RegExp } | LeaderTimings };

const cases: Case[] = [
  {
    name: 'defaults are 15 s / 10 s / 2 s',
    input: {},
    want: { leaseDurationMs: 15000, renewDeadlineMs: 10000, retryPeriodMs: 2000 },
  },
  {
    name: "ALB's own 120 / 40 / 12 s",
    input: { leaseDurationMs: 120_000, renewDeadlineMs: 40_000, retryPeriodMs: 12_000 },
    want: { leaseDurationMs: 120_000, renewDeadlineMs: 40_000, retryPeriodMs: 12_000 },
  },
  {
    name: 'lease not longer than renew deadline',
    input: { leaseDurationMs: 10_000 },
    want: {
      field: 'leaseDurationMs',
      message: /leaseDurationMs \(10000\) must be greater than renewDeadlineMs \(10000\)/,
    },
  },
  {
    name: 'renew deadline within 1.2 retry periods',
    input: { renewDeadlineMs: 2_400 },
    want: {
      field: 'renewDeadlineMs',
      message: /renewDeadlineMs \(2400\) must be greater than 1.2 × retryPeriodMs \(2400\)/,
    },
  },
  {
    name: 'zero retry period',
    input: { retryPeriodMs: 0 },
    want: { field: 'retryPeriodMs', message: /retryPeriodMs must be a positive integer \(milliseconds\), got 0/ },
  },
  {
    name: 'negative renew deadline',
    input: { renewDeadlineMs: -1 },
    want: { field: 'renewDeadlineMs', message: /renewDeadlineMs must be a positive integer/ },
  },
  {
    name: 'fractional milliseconds',
    input: { retryPeriodMs: 1.5 },
    want: { field: 'retryPeriodMs', message: /got 1.5/ },
  },
  {
    name: 'a string from an unparsed flag',
    input: { leaseDurationMs: '15000' as unknown as number },
    want: { field: 'leaseDurationMs', message: /positive integer.*got 15000/ },
  },
  {
    name: 'lease duration not in whole seconds',
    input: { leaseDurationMs: 15_500 },
    want: { field: 'leaseDurationMs', message: /whole number of seconds.*got 15500/ },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    if ('field' in c.want) {
      const { field, message } = c.want;
      t.throws(() => resolveTimings(c.input), { code: 'ALB_LEADER_CONFIG', field, message });
      t.throws(() => resolveTimings(c.input), LeaderConfigError);
    } else {
      t.same(resolveTimings(c.input), c.want);
    }
  });
}

t.test('defaultTimings cannot be changed by accident', async (t) => {
  t.ok(Object.isFrozen(defaultTimings));
});

t.test('createElector checks its options', async (t) => {
  const store = createMemoryLease(() => 0).client('a');
  const ok: ElectorOptions = { store, identity: 'a', onStartedLeading: () => {}, onStoppedLeading: () => {} };
  const bad: Array<{ name: string; options: ElectorOptions; field: string; message: RegExp }> = [
    {
      name: 'empty identity',
      options: { ...ok, identity: ' ' },
      field: 'identity',
      message: /identity must be a non-empty string/,
    },
    {
      name: 'no store',
      options: { ...ok, store: undefined as never },
      field: 'store',
      message: /store must be a LeaseStore/,
    },
    {
      name: 'store without update',
      options: { ...ok, store: { get: store.get, create: store.create } as never },
      field: 'store',
      message: /get, create and update/,
    },
    {
      name: 'no onStartedLeading',
      options: { ...ok, onStartedLeading: undefined as never },
      field: 'onStartedLeading',
      message: /onStartedLeading must be a function/,
    },
    {
      name: 'no onStoppedLeading',
      options: { ...ok, onStoppedLeading: null as never },
      field: 'onStoppedLeading',
      message: /onStoppedLeading must be a function/,
    },
    {
      name: 'onNewLeader not a function',
      options: { ...ok, onNewLeader: 'log' as never },
      field: 'onNewLeader',
      message: /onNewLeader must be a function/,
    },
    {
      name: 'timings too',
      options: { ...ok, retryPeriodMs: 9_000 },
      field: 'renewDeadlineMs',
      message: /1.2 × retryPeriodMs/,
    },
  ];
  for (const b of bad) {
    t.throws(() => createElector(b.options), { code: 'ALB_LEADER_CONFIG', field: b.field, message: b.message }, b.name);
  }
  t.doesNotThrow(() => createElector(ok));
});
