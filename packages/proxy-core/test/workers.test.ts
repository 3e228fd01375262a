// Several worker processes: every port served by all of them (SO_REUSEPORT), the same config everywhere, merged
// metrics, and a killed worker replaced by a new process that serves the last config. Which process served each
// request is read from the access log, which every worker line carries (`worker`, `pid`).
import t from 'tap';
import { createDataPlane, type Logger } from '../src/index.ts';
import { freePort, get, group, listener, prefixRule, startBackend } from './helpers.ts';

type Served = { worker: number; pid: number; rule: string | null; upstream: string | null };

t.test('two workers serve, apply, count and survive a kill', { timeout: 120_000 }, async (t) => {
  const a = await startBackend(t, 'a');
  const b = await startBackend(t, 'b');
  const port = await freePort();
  const served: Served[] = [];
  let onReplaced: (pid: number) => void = () => undefined;
  const accessLog: Logger = {
    info: (o) => served.push(o as Served),
    warn: () => undefined,
    error: () => undefined,
  };
  const logger: Logger = {
    info: (o, msg) => {
      if (msg === 'data plane worker replaced') onReplaced((o as { pid: number }).pid);
    },
    warn: () => undefined,
    error: () => undefined,
  };
  const plane = createDataPlane({ workers: 2, bind: '127.0.0.1', drainTimeoutMs: 1000, accessLog, logger });
  t.teardown(() => plane.close(500));
  t.equal(plane.workers, 2);
  const result = await plane.apply({
    listeners: [listener(port, [prefixRule('api', '/api', 'a')], 'b')],
    backendGroups: [group('a', a), group('b', b)],
  });
  t.same(result.failed, []);
  // Each request on a fresh connection: the kernel spreads connections over the two listening sockets.
  const requests = 60;
  for (let i = 0; i < requests; i++) t.equal((await get(port, '/api/x')).headers['x-backend'], 'a');
  await waitFor(() => served.length >= requests);
  const byWorker = new Map<number, number>();
  for (const s of served) byWorker.set(s.worker, (byWorker.get(s.worker) ?? 0) + 1);
  t.same([...byWorker.keys()].sort(), [0, 1], `both workers served requests (${JSON.stringify([...byWorker])})`);
  const pids = new Map(served.map((s) => [s.worker, s.pid]));
  t.equal(new Set(pids.values()).size, 2, 'from two processes');

  const stats = await plane.stats();
  t.same(
    stats.listeners[0]!.requests.find((r) => r.rule === 'api'),
    { rule: 'api', status: 200, count: requests },
    'the counts of both workers are merged',
  );
  t.match(
    await plane.metrics(),
    new RegExp(`alb_http_requests_total\\{port="${port}",rule="api",status="200"\\} ${requests}`),
  );

  await plane.apply({
    listeners: [listener(port, [prefixRule('api', '/api', 'b')], 'b')],
    backendGroups: [group('a', a), group('b', b)],
  });
  served.length = 0;
  for (let i = 0; i < 20; i++) t.equal((await get(port, '/api/x')).headers['x-backend'], 'b');
  await waitFor(() => served.length >= 20);
  t.same(new Set(served.map((s) => s.worker)), new Set([0, 1]), 'both workers took the new config');

  const killed = pids.get(0)!;
  const replaced = new Promise<number>((resolve) => (onReplaced = resolve));
  process.kill(killed, 'SIGKILL');
  const replacement = await replaced;
  t.not(replacement, killed, 'a new process took worker 0’s place and applied the last config');
  // The replacement serves: new connections reach it, and it routes by the last config.
  served.length = 0;
  for (let i = 0; i < 200 && !served.some((s) => s.pid === replacement); i++) {
    t.equal((await get(port, '/api/y')).headers['x-backend'], 'b', 'every answer follows the last config');
    await waitFor(() => served.length > i);
  }
  const fromReplacement = served.filter((s) => s.pid === replacement);
  t.ok(fromReplacement.length > 0, 'the replacement process served requests');
  t.match(fromReplacement[0], { worker: 0, rule: 'api', upstream: `127.0.0.1:${b.port}` });
  t.notOk(
    served.some((s) => s.pid === killed),
    'nothing was served by the killed process',
  );
});

/** Waits for log lines that were sent by workers and are still in flight over IPC. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
