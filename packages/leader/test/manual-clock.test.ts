// The manual clock: sleeps wake in due order, code woken during advance() can sleep again within the window.
import t from 'tap';
import { createManualClock } from '../src/index.ts';

t.test('wakes sleepers in due order, at their due time', async (t) => {
  const clock = createManualClock(1000);
  const woke: Array<[string, number]> = [];
  for (const [name, ms] of [
    ['c', 30],
    ['a', 10],
    ['b', 20],
    ['a2', 10],
  ] as const) {
    void clock.sleep(ms).then(() => woke.push([name, clock.now()]));
  }
  await clock.advance(25);
  t.same(woke, [
    ['a', 1010],
    ['a2', 1010],
    ['b', 1020],
  ]);
  t.equal(clock.now(), 1025);
  t.equal(clock.pending(), 1);
  await clock.advance(5);
  t.same(woke.at(-1), ['c', 1030]);
});

t.test('a loop that sleeps again is driven through the whole window', async (t) => {
  const clock = createManualClock();
  const ticks: number[] = [];
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      ticks.push(clock.now());
      await Promise.resolve(); // some async work between sleeps
      await clock.sleep(3, stop.signal);
    }
  })();
  await clock.advance(10);
  t.same(ticks, [0, 3, 6, 9]);
  stop.abort();
  await loop;
  t.equal(clock.pending(), 0, 'an aborted sleep is forgotten');
});

t.test('sleep(0) and an aborted signal resolve at once', async (t) => {
  const clock = createManualClock();
  await clock.sleep(0);
  await clock.sleep(5, AbortSignal.abort());
  t.equal(clock.pending(), 0);
});
