// The debouncer, driven by a manual clock: holdoff, ceiling, no overlapping runs, errors never escape.
import t from 'tap';
import { Debouncer } from '../../src/pipeline/debouncer.ts';
import { manualClock } from '../manual-clock.ts';

function setup(task: () => Promise<void> = async () => {}) {
  const clock = manualClock();
  const runs: number[] = [];
  const errors: Error[] = [];
  const debouncer = new Debouncer(
    async () => {
      runs.push(clock.now());
      await task();
    },
    { clock, holdoffMs: 20, maxDelayMs: 200, onError: (error) => errors.push(error) },
  );
  return { clock, runs, errors, debouncer };
}

t.test('runs once, holdoff after the last trigger', async (t) => {
  const { clock, runs, debouncer } = setup();
  debouncer.trigger();
  await clock.advance(10);
  debouncer.trigger();
  await clock.advance(19);
  t.same(runs, [], 'a trigger within the holdoff postpones the run');
  await clock.advance(1);
  t.same(runs, [30], 'runs 20 ms after the last trigger');
  await clock.advance(1000);
  t.same(runs, [30], 'once');
});

t.test('a steady stream of triggers cannot postpone the run past the ceiling', async (t) => {
  const { clock, runs, debouncer } = setup();
  for (let i = 0; i < 50; i++) {
    debouncer.trigger();
    await clock.advance(10);
  }
  await clock.advance(100);
  t.same(runs, [200, 400, 510], 'at each 200 ms ceiling, then a holdoff after the last trigger');
});

t.test('never runs twice at once: a trigger during a run schedules one more run after it', async (t) => {
  let release!: () => void;
  let active = 0;
  let maxActive = 0;
  const { clock, runs, debouncer } = setup(async () => {
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((resolve) => (release = resolve));
    active--;
  });
  debouncer.trigger();
  await clock.advance(20);
  t.same(runs, [20], 'running');
  debouncer.trigger();
  debouncer.trigger();
  await clock.advance(100);
  t.same(runs, [20], 'not again while it runs');
  const idle = debouncer.whenIdle();
  let idleNow = false;
  void idle.then(() => (idleNow = true));
  release();
  await clock.advance(20);
  t.same(runs, [20, 140], 'one more run, a holdoff after the first ended');
  t.equal(idleNow, false, 'not idle while the second run is going');
  release();
  await clock.advance(0);
  await idle;
  t.equal(maxActive, 1, 'never two at once');
});

t.test('a task that throws or rejects is reported, and the next trigger runs it again', async (t) => {
  let mode: 'throw' | 'reject' | 'ok' = 'throw';
  const { clock, runs, errors, debouncer } = setup(() => {
    if (mode === 'throw') throw new Error('thrown');
    if (mode === 'reject') return Promise.reject(new Error('rejected'));
    return Promise.resolve();
  });
  debouncer.trigger();
  await clock.advance(20);
  mode = 'reject';
  debouncer.trigger();
  await clock.advance(20);
  mode = 'ok';
  debouncer.trigger();
  await clock.advance(20);
  t.same(
    errors.map((e) => e.message),
    ['thrown', 'rejected'],
  );
  t.equal(runs.length, 3, 'every trigger ran');
  await debouncer.whenIdle();
});

t.test('cancel drops what is scheduled and wakes idle waiters', async (t) => {
  const { clock, runs, debouncer } = setup();
  debouncer.trigger();
  const idle = debouncer.whenIdle();
  debouncer.cancel();
  await idle;
  await clock.advance(1000);
  t.same(runs, []);
  t.same(clock.pending(), []);
});
