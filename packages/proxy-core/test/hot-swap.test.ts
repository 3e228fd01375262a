// Config changes under load: while clients loop on keep-alive connections, 50 different configs are applied.
// Zero failed requests and zero resets; each response comes from a backend the config in force allowed.
import { Agent } from 'node:http';
import t from 'tap';
import type { DataPlaneConfig } from '../src/index.ts';
import { freePort, get, group, listener, prefixRule, startBackend, startEngine } from './helpers.ts';

t.test('50 applies under keep-alive load: no failures, no resets', async (t) => {
  const backends = await Promise.all(['a', 'b', 'c'].map((name) => startBackend(t, name)));
  const port = await freePort();
  const extraPort = await freePort();
  const configFor = (round: number): DataPlaneConfig => {
    const target = backends[round % 3]!.name;
    const rules = [prefixRule('api', '/api', target), prefixRule(`r${round}`, `/round-${round}`, 'a')];
    // Every other config also opens (then closes) a second port, so listeners come and go under load.
    const listeners = [listener(port, rules, 'a')];
    if (round % 2 === 1) listeners.push(listener(extraPort, [], 'b'));
    return { listeners, backendGroups: backends.map((b) => group(b.name, b)) };
  };
  const engine = await startEngine(t, configFor(0));
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const clients = Array.from({ length: 8 }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (running) {
      try {
        const reply = await get(port, '/api/x', { agent });
        if (reply.status === 200 && ['a', 'b', 'c'].includes(reply.headers['x-backend'] as string)) ok++;
        else failures.push(`status ${reply.status}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    agent.destroy();
  });
  for (let round = 1; round <= 50; round++) {
    const result = await engine.apply(configFor(round));
    t.same(result.failed, [], `apply ${round} opened its ports`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  running = false;
  await Promise.all(clients);
  t.same(failures, [], 'no failed request, no reset');
  t.ok(ok > 200, `${ok} requests served during the swaps`);
  const last = await get(port, '/api/x');
  t.equal(last.headers['x-backend'], backends[50 % 3]!.name, 'the last config is the one in force');
});

t.test('a keep-alive connection uses the new table from its next request', async (t) => {
  const a = await startBackend(t, 'a');
  const b = await startBackend(t, 'b');
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [listener(port, [], 'a')],
    backendGroups: [group('a', a), group('b', b)],
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.equal((await get(port, '/', { agent })).headers['x-backend'], 'a');
  await engine.apply({ listeners: [listener(port, [], 'b')], backendGroups: [group('a', a), group('b', b)] });
  t.equal((await get(port, '/', { agent })).headers['x-backend'], 'b');
  t.equal(
    agent.sockets[`127.0.0.1:${port}:`]?.length ?? agent.freeSockets[`127.0.0.1:${port}:`]?.length,
    1,
    'same client connection',
  );
});

t.test('a removed port stops accepting but finishes its in-flight request', async (t) => {
  const pending: Array<() => void> = [];
  const slow = await startBackend(t, 'slow', (_req, res) => {
    pending.push(() => res.end('late'));
  });
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [listener(port, [], 'slow')],
    backendGroups: [group('slow', slow)],
  });
  const inFlight = get(port, '/');
  while (pending.length === 0) await new Promise((r) => setTimeout(r, 5));
  await engine.apply({ listeners: [], backendGroups: [group('slow', slow)] });
  await t.rejects(get(port, '/'), 'new connections are refused');
  pending[0]!();
  const reply = await inFlight;
  t.equal(reply.status, 200);
  t.equal(reply.body, 'late');
});

t.test('upstream pools survive applies for endpoints that stay', async (t) => {
  const a = await startBackend(t, 'a');
  const port = await freePort();
  const engine = await startEngine(t, { listeners: [listener(port, [], 'a')], backendGroups: [group('a', a)] });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  await get(port, '/1', { agent });
  for (let i = 0; i < 5; i++) {
    await engine.apply({
      listeners: [listener(port, [prefixRule(`x${i}`, `/x${i}`, 'a')], 'a')],
      backendGroups: [group('a', a)],
    });
    await get(port, `/${i}`, { agent });
  }
  const upstreamConnections = await new Promise<number>((resolve) => a.server.getConnections((_e, n) => resolve(n)));
  t.equal(upstreamConnections, 1, 'one upstream connection across six configs');
});
