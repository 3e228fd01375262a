// The work queue: one entry per key however many events, never the same key twice at once, a key added while
// it runs runs again after, failures retried with per-key exponential backoff (a manual clock: no sleeping).
import { createManualClock } from '@alb/leader';
import t from 'tap';
import { WorkQueue } from '../src/queue/work-queue.ts';

/** A handler whose calls wait until released, recording what ran. */
function gatedHandler() {
  const started: string[] = [];
  const gates: Array<() => void> = [];
  let running = 0;
  let maxRunning = 0;
  const handler = async (key: string) => {
    started.push(key);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      for (const gate of gates.splice(0)) gate();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { handler, started, releaseAll, maxRunning: () => maxRunning };
}

t.test(
  'deduplicates, bounds concurrency, never runs a key twice at once, reruns a key added while running',
  async (t) => {
    const clock = createManualClock();
    const h = gatedHandler();
    const queue = new WorkQueue({ handler: h.handler, concurrency: 2, clock });
    for (const key of ['a', 'b', 'a', 'c', 'a']) queue.add(key);
    t.equal(queue.depth(), 3, 'a, b, c once each');
    queue.start();
    t.same(h.started, ['a', 'b'], 'two at a time, in order');
    queue.add('a'); // while a runs: it runs again afterwards, not now
    t.same(h.started, ['a', 'b']);
    await h.releaseAll();
    await queue.idle();
    t.same(h.started, ['a', 'b', 'c', 'a']);
    t.equal(h.maxRunning(), 2);
    await queue.stop();
  },
);

t.test('a failing key backs off exponentially while others go on; success resets it', async (t) => {
  const clock = createManualClock();
  const calls: Array<[string, number]> = [];
  let failB = 3;
  const retries: number[] = [];
  const queue = new WorkQueue({
    concurrency: 1,
    clock,
    random: () => 0,
    baseBackoffMs: 100,
    maxBackoffMs: 1000,
    handler: async (key) => {
      calls.push([key, clock.now()]);
      if (key === 'b' && failB-- > 0) throw new Error('API down');
    },
    onError: (_key, _error, retryInMs) => retries.push(retryInMs),
  });
  queue.start();
  queue.add('b');
  queue.add('a');
  await queue.idle();
  t.same(calls, [
    ['b', 0],
    ['a', 0],
  ]);
  await clock.advance(100);
  await queue.idle();
  await clock.advance(200);
  await queue.idle();
  await clock.advance(400);
  await queue.idle();
  t.same(retries, [100, 200, 400], 'doubling');
  t.same(
    calls.filter(([k]) => k === 'b').map(([, at]) => at),
    [0, 100, 300, 700],
  );
  t.equal(queue.backoffMs(10), 1000, 'capped');
  await queue.stop();
});

t.test('jitter spreads retries by up to 20%', async (t) => {
  const queue = new WorkQueue({
    handler: async () => {},
    concurrency: 1,
    clock: createManualClock(),
    random: () => 0.5,
    baseBackoffMs: 1000,
  });
  t.equal(queue.backoffMs(1), 1100);
  t.equal(queue.backoffMs(2), 2200);
});

t.test('stop aborts handlers, drops queued keys and pending retries, and waits', async (t) => {
  const clock = createManualClock();
  let aborted = 0;
  let runs = 0;
  const queue = new WorkQueue({
    concurrency: 1,
    clock,
    handler: async (key, signal) => {
      runs++;
      if (key === 'fail') throw new Error('x');
      if (key !== 'slow') return;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => (aborted++, resolve())));
    },
  });
  queue.start();
  queue.add('fail');
  await new Promise((r) => setImmediate(r));
  queue.add('slow');
  queue.add('queued');
  await new Promise((r) => setImmediate(r));
  await queue.stop();
  t.equal(aborted, 1, 'the running handler saw its signal abort');
  t.equal(queue.depth(), 0);
  await clock.advance(10 * 60_000);
  t.equal(runs, 2, 'neither the retry nor the queued key ran after stop');
  queue.add('later');
  t.equal(runs, 2, 'a stopped queue holds keys until started');
  queue.start();
  await queue.idle();
  t.equal(runs, 3);
  await queue.stop();
});
