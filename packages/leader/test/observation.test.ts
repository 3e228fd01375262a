// observe(): the local observation time moves only when the record's content changes.
import t from 'tap';
import { observe } from '../src/index.ts';
import type { LeaseRecord, Observation, StoredLease } from '../src/index.ts';

const record = (renewTime: string, holderIdentity: string | null = 'a'): LeaseRecord => ({
  holderIdentity,
  leaseDurationSeconds: 15,
  acquireTime: '2025-01-01T00:00:00.000000Z',
  renewTime,
  leaseTransitions: 0,
});
const seen = (renewTime: string, version: string, observedAt: number): Observation => ({
  record: record(renewTime),
  version,
  observedAt,
});
const stored = (renewTime: string, version: string, holder: string | null = 'a'): StoredLease => ({
  record: record(renewTime, holder),
  version,
});

type Case = {
  name: string;
  input: { previous: Observation | null; current: StoredLease | null };
  want: Observation | null;
};

const cases: Case[] = [
  { name: 'nothing stored', input: { previous: seen('r1', '1', 0), current: null }, want: null },
  { name: 'first read', input: { previous: null, current: stored('r1', '1') }, want: seen('r1', '1', 100) },
  {
    name: 'same content: keep the first observation time',
    input: { previous: seen('r1', '1', 0), current: stored('r1', '1') },
    want: seen('r1', '1', 0),
  },
  {
    name: 'same content under a new version (metadata write): keep the time, take the version',
    input: { previous: seen('r1', '1', 0), current: stored('r1', '2') },
    want: seen('r1', '2', 0),
  },
  {
    name: 'renewed (new renewTime): observed now',
    input: { previous: seen('r1', '1', 0), current: stored('r2', '2') },
    want: seen('r2', '2', 100),
  },
  {
    name: 'holder "" and null read the same',
    input: {
      previous: { record: record('r1', null), version: '1', observedAt: 0 },
      current: stored('r1', '1', ''),
    },
    want: { record: record('r1', ''), version: '1', observedAt: 0 },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.same(observe(c.input.previous, c.input.current, 100), c.want);
  });
}
