// What the proxy does when an upstream misbehaves: non-idempotent requests are never replayed, a response head
// over the limit or with a transfer coding other than chunked is refused (502) whatever the read boundaries, and
// an idle tunnel is closed after the read timeout.
import { once } from 'node:events';
import { Agent } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import t from 'tap';
import { freePort, get, group, listener, prefixRule, startEngine, startRawBackend } from './helpers.ts';

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

/** A backend that answers the warm-up request, then drops the connection on the first request it reads next. */
async function flakyBackend(t: Parameters<typeof startRawBackend>[0]) {
  let dropped = false;
  return startRawBackend(t, (head) => {
    if (head.startsWith('GET /warm ')) return ok('warm');
    if (!dropped) {
      dropped = true;
      return null; // the connection dies after the request head reached the backend
    }
    return ok('second try');
  });
}

t.test('a POST is not replayed when a reused upstream connection dies after the head was sent', async (t) => {
  const backend = await flakyBackend(t);
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.equal((await get(port, '/warm', { agent })).body, 'warm', 'an upstream connection is now pooled');
  const reply = await get(port, '/order', { method: 'POST', agent, headers: { 'content-length': '0' } });
  t.equal(reply.status, 502, 'the client is told, not the backend asked twice');
  t.same(
    backend.heads.map((h) => h.slice(0, h.indexOf(' /'))),
    ['GET', 'POST'],
    'the POST reached the backend exactly once',
  );
});

t.test('a GET is retried once on a fresh connection after the same failure (a stale keep-alive race)', async (t) => {
  const backend = await flakyBackend(t);
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  await get(port, '/warm', { agent });
  const reply = await get(port, '/page', { agent });
  t.equal(reply.status, 200);
  t.equal(reply.body, 'second try');
  t.equal(backend.received.length, 2, 'the retry used a new upstream connection');
});

t.test('a response head over 32 KiB is refused even when it arrives in one read', async (t) => {
  const big = `HTTP/1.1 200 OK\r\n${`X-Big: ${'b'.repeat(1000)}\r\n`.repeat(40)}Content-Length: 2\r\n\r\nok`;
  // Written in one write: the proxy sees the whole head in one read.
  const backend = await startRawBackend(t, () => big);
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  const reply = await get(port, '/');
  t.equal(reply.status, 502);
  t.match(reply.headers['x-alb-err-reason'], /too large/);
});

t.test('a response with a transfer coding other than chunked is refused (502), as nginx does', async (t) => {
  const backend = await startRawBackend(t, (head) =>
    head.includes('/list')
      ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'
      : 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nnot really gzip',
  );
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  for (const path of ['/gzip', '/list']) {
    const reply = await get(port, path);
    t.equal(reply.status, 502, path);
    t.match(reply.headers['x-alb-err-reason'], /Transfer-Encoding/, path);
  }
});

t.test('an idle tunnel (WebSocket) is closed after the read timeout', async (t) => {
  const upstreamSockets: Socket[] = [];
  const server = createServer((socket) => {
    upstreamSockets.push(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    for (const s of upstreamSockets) s.destroy();
    server.close();
  });
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [prefixRule('ws', '/', 'ws', { timeouts: { readMs: 400 } })])],
    backendGroups: [group('ws', { port: (server.address() as AddressInfo).port })],
  });
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  await once(socket, 'data');
  // Traffic keeps it open past the timeout...
  for (let i = 0; i < 4; i++) {
    socket.write(`ping${i}`);
    const [echo] = (await once(socket, 'data')) as [Buffer];
    t.equal(echo.toString(), `ping${i}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // ...silence closes it. A tunnel that never closes fails this test by the test's own timeout.
  await once(socket, 'close');
  t.ok(socket.destroyed, 'the proxy closed the idle tunnel');
  const upstream = upstreamSockets[0]!;
  if (!upstream.closed) await once(upstream, 'close');
  t.equal(upstreamSockets.length, 1, 'and its upstream side (the only upstream connection) closed too');
});
