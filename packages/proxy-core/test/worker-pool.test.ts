// The worker pool when workers misbehave: one that dies before it is ready, one that keeps dying, one that is
// stopped. Every call ends with an error naming the worker instead of waiting forever.
import t from 'tap';
import { AlbError, createDataPlane, errorCodes, type Logger } from '../src/index.ts';
import type { ApplyResult } from '../src/engine.ts';
import { mergeApplyResults } from '../src/worker/merge-apply-results.ts';
import { respawnDelayMs } from '../src/worker/respawn-delay.ts';
import { freePort, get, group, listener, prefixRule, startBackend } from './helpers.ts';

const crashing = new URL('./fixtures/crashing-worker.ts', import.meta.url).pathname;

/** Settles with the promise, or with 'still pending' after `ms`: a hang fails the test instead of stalling it. */
function orHang<T>(promise: Promise<T>, ms: number): Promise<T | 'still pending'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<'still pending'>((resolve) => (timer = setTimeout(() => resolve('still pending'), ms))),
  ]);
}

t.test('respawn delays: immediate, then 100 ms doubling up to 10 s', async (t) => {
  t.same([1, 2, 3, 4, 5, 6, 9, 20, 1000].map(respawnDelayMs), [0, 100, 200, 400, 800, 1600, 10_000, 10_000, 10_000]);
});

t.test('apply results of every worker are merged', async (t) => {
  const issue = { port: 80, rule: 'r', field: 'dslx', message: 'bad' };
  const results: Array<{ worker: number; result: ApplyResult }> = [
    { worker: 0, result: { issues: [issue], listening: [80, 81, 82], failed: [] } },
    {
      worker: 1,
      result: { issues: [issue], listening: [80, 82], failed: [{ port: 81, error: 'listen EADDRINUSE' }] },
    },
    {
      worker: 2,
      result: {
        issues: [issue],
        listening: [80],
        failed: [
          { port: 81, error: 'EACCES' },
          { port: 82, error: 'x' },
        ],
      },
    },
  ];
  t.same(mergeApplyResults(results), {
    issues: [issue],
    listening: [80],
    failed: [
      { port: 81, error: 'worker 1: listen EADDRINUSE; worker 2: EACCES' },
      { port: 82, error: 'worker 2: x' },
    ],
  });
  t.same(mergeApplyResults([]), { issues: [], listening: [], failed: [] });
});

t.test('workers that exit before they are ready: apply fails naming one, respawns back off', async (t) => {
  const exits: Array<{ worker: number; delayMs: number }> = [];
  let sawEnough: () => void;
  const enough = new Promise<void>((resolve) => (sawEnough = resolve));
  const logger: Logger = {
    info: () => undefined,
    warn: () => undefined,
    error: (obj) => {
      const o = obj as { worker?: number; delayMs?: number };
      if (o.delayMs === undefined) return;
      exits.push({ worker: o.worker!, delayMs: o.delayMs });
      if (exits.filter((e) => e.worker === 0).length >= 5) sawEnough();
    },
  };
  const plane = createDataPlane({ workers: 2, workerEntry: crashing, logger, workerTimeoutMs: 5000 });
  t.teardown(() => plane.close(100));
  const outcome = await orHang(
    plane.apply({ listeners: [], backendGroups: [] }).then(
      () => 'applied',
      (error: unknown) => error,
    ),
    20_000,
  );
  t.type(outcome, AlbError, 'apply fails instead of waiting forever');
  t.equal((outcome as AlbError).code, errorCodes.worker);
  t.match((outcome as AlbError).message, /data plane worker \d|no data plane worker is running/);
  await enough;
  t.same(
    exits
      .filter((e) => e.worker === 0)
      .slice(0, 5)
      .map((e) => e.delayMs),
    [0, 100, 200, 400, 800],
    'each replacement of a worker that never got ready waits longer',
  );
  await plane.close(100);
  const after = exits.length;
  await new Promise((r) => setTimeout(r, 300));
  t.equal(exits.length, after, 'close stops the respawning');
});

t.test('a stopped worker: apply, stats and metrics fail after the timeout, naming it; it recovers', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const plane = createDataPlane({ workers: 2, bind: '127.0.0.1', workerTimeoutMs: 3000, drainTimeoutMs: 500 });
  const pool = plane as unknown as { pool: Array<{ child: { pid: number }; ready: Promise<void> }> };
  // Starting a worker can take a while on a busy machine: the timeout under test is for a started one.
  await Promise.all(pool.pool.map((w) => w.ready));
  const config = { listeners: [listener(port, [prefixRule('r', '/', 'b')])], backendGroups: [group('b', backend)] };
  t.same((await plane.apply(config)).failed, []);
  const stopped = pool.pool[1]!.child.pid;
  process.kill(stopped, 'SIGSTOP');
  t.teardown(async () => {
    process.kill(stopped, 'SIGCONT');
    await plane.close(500);
  });
  for (const [what, call] of [
    ['apply', () => plane.apply(config)],
    ['stats', () => plane.stats()],
    ['metrics', () => plane.metrics()],
  ] as const) {
    const outcome = await orHang(
      (call() as Promise<unknown>).then(
        () => 'answered',
        (error: unknown) => error,
      ),
      20_000,
    );
    t.type(outcome, AlbError, `${what} fails instead of waiting forever`);
    t.equal((outcome as AlbError).code, errorCodes.workerTimeout, what);
    t.match(
      (outcome as AlbError).message,
      `data plane worker 1 (pid ${stopped}) did not answer ${what === 'metrics' ? 'stats' : what} within 3000 ms`,
    );
  }
  process.kill(stopped, 'SIGCONT');
  t.same((await plane.apply(config)).failed, [], 'once it runs again, apply works');
  t.equal((await get(port, '/')).status, 200);
});
