import t from 'tap';
import { Backoff } from '../../src/pipeline/backoff.ts';

t.test('doubles from the initial delay up to the cap; reset starts over', async (t) => {
  const backoff = new Backoff(200, 30_000);
  const delays = Array.from({ length: 10 }, () => backoff.next());
  t.same(delays, [200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
  t.equal(backoff.attempts, 10);
  backoff.reset();
  t.equal(backoff.next(), 200);
  const long = new Backoff(1, 1000);
  for (let i = 0; i < 5000; i++) long.next();
  t.equal(long.next(), 1000, 'no overflow after many failures');
});
