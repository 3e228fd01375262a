// Several worker processes: every port served by all of them (SO_REUSEPORT), the same config everywhere,
// merged metrics, and a crashed worker replaced with the last config.
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { createDataPlane } from '../src/index.ts';
import { freePort, get, group, listener, prefixRule, startBackend } from './helpers.ts';

t.test('two workers serve, apply, count and survive a crash', { timeout: 60_000 }, async (t) => {
  const a = await startBackend(t, 'a');
  const b = await startBackend(t, 'b');
  const port = await freePort();
  const plane = createDataPlane({ workers: 2, bind: '127.0.0.1', drainTimeoutMs: 1000 });
  t.teardown(() => plane.close(500));
  t.equal(plane.workers, 2);
  const result = await plane.apply({
    listeners: [listener(port, [prefixRule('api', '/api', 'a')], 'b')],
    backendGroups: [group('a', a), group('b', b)],
  });
  t.same(result.failed, []);
  for (let i = 0; i < 20; i++) t.equal((await get(port, '/api/x')).headers['x-backend'], 'a');
  for (let i = 0; i < 10; i++) t.equal((await get(port, '/other')).headers['x-backend'], 'b');

  const stats = await plane.stats();
  const requests = stats.listeners[0]!.requests;
  t.same(
    requests.find((r) => r.rule === 'api'),
    { rule: 'api', status: 200, count: 20 },
    'counts of both workers merged',
  );
  t.same(
    requests.find((r) => r.rule === ''),
    { rule: '', status: 200, count: 10 },
  );
  const metrics = await plane.metrics();
  t.match(metrics, new RegExp(`alb_http_requests_total\\{port="${port}",rule="api",status="200"\\} 20`));

  // Each worker serves: with fresh connections, both end up accepting some (the kernel spreads them).
  const workerPids = (plane as unknown as { pool: Array<{ child: { pid: number } }> }).pool.map((w) => w.child.pid);
  t.equal(new Set(workerPids).size, 2);

  await plane.apply({
    listeners: [listener(port, [prefixRule('api', '/api', 'b')], 'b')],
    backendGroups: [group('a', a), group('b', b)],
  });
  for (let i = 0; i < 10; i++)
    t.equal((await get(port, '/api/x')).headers['x-backend'], 'b', 'every worker took the new config');

  process.kill(workerPids[0]!, 'SIGKILL');
  await sleep(1500);
  for (let i = 0; i < 10; i++)
    t.equal((await get(port, '/api/y')).headers['x-backend'], 'b', 'the replacement worker has the last config');
});
