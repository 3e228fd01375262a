// Client connections per listener are capped, so idle connections cannot use up the process's file descriptors;
// refused connections are counted. Responses in flight during a drain say `Connection: close`.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { Engine, renderPrometheus } from '../src/index.ts';
import { freePort, get, group, listener, raw, startBackend, startEngine, statusLines } from './helpers.ts';

async function open(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

t.test('connections over maxConnections are closed at once and counted', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const engine = await startEngine(
    t,
    { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] },
    { maxConnections: 2 },
  );
  const idle = [await open(port), await open(port)];
  t.teardown(() => idle.forEach((s) => s.destroy()));
  const refused = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 2000);
  t.same(statusLines(refused.text), [], 'the third connection gets no answer');
  t.ok(refused.closed, 'and is closed');
  t.match(renderPrometheus(engine.stats()), `alb_http_connections_refused_total{port="${port}"} 1`);
  idle[0]!.destroy();
  for (let i = 0; i < 50 && engine.stats().listeners[0]!.activeConnections > 1; i++)
    await new Promise((r) => setTimeout(r, 20));
  t.equal((await get(port, '/')).status, 200, 'a freed slot serves again');
});

t.test('a response in flight when the engine closes says Connection: close', async (t) => {
  const pending: Array<() => void> = [];
  const backend = await startBackend(t, 'slow', (_req, res) => pending.push(() => res.end('late')));
  const port = await freePort();
  const engine = new Engine({ bind: '127.0.0.1' });
  await engine.apply({ listeners: [listener(port, [], 'slow')], backendGroups: [group('slow', backend)] });
  const reply = raw(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 3000);
  while (pending.length === 0) await new Promise((r) => setTimeout(r, 5));
  const closing = engine.close(5000);
  pending[0]!();
  const { text, closed } = await reply;
  await closing;
  t.same(statusLines(text), [200]);
  t.match(text, /\r\nConnection: close\r\n/i, 'the keep-alive client is told the connection ends');
  t.ok(closed);
});

t.test('a response in flight on a removed port says Connection: close', async (t) => {
  const pending: Array<() => void> = [];
  const backend = await startBackend(t, 'slow', (_req, res) => pending.push(() => res.end('late')));
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [listener(port, [], 'slow')],
    backendGroups: [group('slow', backend)],
  });
  const reply = raw(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 3000);
  while (pending.length === 0) await new Promise((r) => setTimeout(r, 5));
  await engine.apply({ listeners: [], backendGroups: [group('slow', backend)] });
  pending[0]!();
  const { text } = await reply;
  t.match(text, /\r\nConnection: close\r\n/i);
});
