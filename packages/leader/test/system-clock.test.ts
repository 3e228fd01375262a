// The real clock, exercised only through abort paths so the test never waits on time.
import t from 'tap';
import { systemClock } from '../src/index.ts';

t.test('now() is the wall clock', async (t) => {
  const before = Date.now();
  const now = systemClock.now();
  t.ok(now >= before && now <= Date.now());
});

t.test('sleep resolves at once when its signal is already aborted', async (t) => {
  await systemClock.sleep(3_600_000, AbortSignal.abort());
  t.pass('resolved');
});

t.test('sleep resolves when its signal aborts, without waiting for the timer', async (t) => {
  const stop = new AbortController();
  const sleeping = systemClock.sleep(3_600_000, stop.signal);
  stop.abort();
  await sleeping;
  t.pass('resolved; the hour-long timer was cleared, or this process would not exit');
});
