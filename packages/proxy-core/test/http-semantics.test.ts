// HTTP/1.1 proxy semantics on real sockets: keep-alive, pipelining, bodies both ways, Expect, HEAD/204/304,
// hop-by-hop fields, X-Forwarded-*, trusted proxies and upgrades.
import { once } from 'node:events';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import t, { type Test } from 'tap';
import { freePort, get, group, listener, raw, startBackend, startEngine, statusLines } from './helpers.ts';

async function setup(t: Test, handler?: Parameters<typeof startBackend>[2], trustedProxies?: string[]) {
  const backend = await startBackend(t, 'b', handler);
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [listener(port, [], 'b')],
    backendGroups: [group('b', backend)],
    trustedProxies,
  });
  return { backend, port, engine };
}

t.test('keep-alive: many requests on one client connection and one upstream connection', async (t) => {
  const { backend, port } = await setup(t);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  for (let i = 0; i < 20; i++) t.equal((await get(port, `/k${i}`, { agent })).status, 200);
  const upstreamConnections = new Set(backend.seen.map((s) => s.headers['x-forwarded-port']));
  t.equal(backend.seen.length, 20);
  t.equal(upstreamConnections.size, 1);
  // node:http counts connections; one keep-alive upstream connection served all 20 requests.
  const connections = await new Promise<number>((resolve) => backend.server.getConnections((_e, n) => resolve(n)));
  t.equal(connections, 1, 'one upstream connection');
});

t.test('pipelined requests are answered in order', async (t) => {
  const { port } = await setup(t);
  const reply = await raw(
    port,
    'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    2000,
  );
  t.same(statusLines(reply.text), [200, 200, 200]);
  const urls = [...reply.text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
  t.same(urls, ['/1', '/2', '/3']);
  t.ok(reply.closed, 'closed after Connection: close');
});

t.test('request bodies: sized and chunked, streamed upstream intact', async (t) => {
  const { backend, port } = await setup(t);
  const sized = await get(port, '/s', { method: 'POST', body: 'x'.repeat(100_000) });
  t.equal(JSON.parse(sized.body).body.length, 100_000);
  const chunked = await raw(
    port,
    'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n',
    1000,
  );
  t.same(statusLines(chunked.text), [200]);
  const seen = backend.seen.at(-1)!;
  t.equal(seen.body, 'hello world');
  t.equal(seen.headers['transfer-encoding'], 'chunked', 're-framed as chunked');
});

t.test('response bodies: sized, chunked and read-until-close reach the client', async (t) => {
  const { port } = await setup(t, (req, res) => {
    if (req.url === '/chunked') {
      res.write('part1-');
      setTimeout(() => res.end('part2'), 20);
    } else if (req.url === '/close') {
      res.socket!.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close');
      res.socket!.end();
    } else {
      res.end('sized');
    }
  });
  t.equal((await get(port, '/sized')).body, 'sized');
  const chunked = await get(port, '/chunked');
  t.equal(chunked.body, 'part1-part2');
  t.equal(chunked.headers['transfer-encoding'], 'chunked');
  const close = await get(port, '/close');
  t.equal(close.body, 'until close');
  t.equal(close.headers['transfer-encoding'], 'chunked', 'an HTTP/1.1 client gets it chunked, keeping its connection');
  const http10 = await raw(port, 'GET /close HTTP/1.0\r\n\r\n', 1000);
  t.match(http10.text, /until close$/);
  t.ok(http10.closed, 'an HTTP/1.0 client gets it until close');
});

t.test('HEAD, 204 and 304 have no body, whatever the upstream says', async (t) => {
  const { port } = await setup(t, (req, res) => {
    if (req.url === '/204') res.writeHead(204).end();
    else if (req.url === '/304') res.writeHead(304, { etag: '"x"' }).end();
    else res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
  });
  const reply = await raw(
    port,
    'HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET /204 HTTP/1.1\r\nHost: a\r\n\r\nGET /304 HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n',
    1000,
  );
  t.same(statusLines(reply.text), [200, 204, 304, 200], 'all four answered on one connection');
  t.match(
    reply.text,
    /^HTTP\/1\.1 200 OK\r\n[\s\S]*?content-length: 5\r\n[\s\S]*?\r\n\r\nHTTP\/1\.1 204/i,
    'HEAD keeps Content-Length, sends no body',
  );
  t.match(reply.text, /\r\n\r\nhello$/);
});

t.test('Expect: 100-continue is answered by the proxy', async (t) => {
  const { backend, port } = await setup(t);
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
  const [first] = (await once(socket, 'data')) as [Buffer];
  t.match(first.toString(), /^HTTP\/1\.1 100 Continue\r\n\r\n/);
  socket.end('hello');
  const rest: Buffer[] = [];
  socket.on('data', (c: Buffer) => rest.push(c));
  await once(socket, 'close');
  t.match(Buffer.concat(rest).toString(), /HTTP\/1\.1 200/);
  t.equal(backend.seen.at(-1)!.body, 'hello');
  t.equal(backend.seen.at(-1)!.headers.expect, undefined, 'Expect is not forwarded');
});

t.test('hop-by-hop fields are removed both ways; end-to-end ones pass', async (t) => {
  const { backend, port } = await setup(t, (_req, res) => {
    res.writeHead(200, {
      'keep-alive': 'timeout=5',
      'x-hop': 'secret',
      connection: 'x-hop',
      'x-end': 'kept',
      'content-length': '2',
    });
    res.end('ok');
  });
  const reply = await raw(
    port,
    'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Private\r\nX-Private: p\r\nKeep-Alive: timeout=1\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nX-Public: q\r\n\r\n',
  );
  const seen = backend.seen.at(-1)!.headers;
  t.equal(seen['x-private'], undefined, 'a field named in Connection is dropped');
  t.equal(seen['keep-alive'], undefined);
  t.equal(seen['proxy-connection'], undefined);
  t.equal(seen.te, undefined);
  t.equal(seen['x-public'], 'q');
  t.notMatch(reply.text, /x-hop|keep-alive: timeout/i, 'upstream hop-by-hop fields dropped');
  t.match(reply.text, /x-end: kept/i);
});

t.test('X-Forwarded-* and X-Real-IP: set by the proxy, client values not believed', async (t) => {
  const { backend, port } = await setup(t);
  await get(port, '/', {
    headers: {
      host: 'app.example.com:8080',
      'x-forwarded-for': '6.6.6.6',
      'x-real-ip': '6.6.6.6',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil',
    },
  });
  const seen = backend.seen.at(-1)!.headers;
  t.equal(seen['x-forwarded-for'], '127.0.0.1', 'replaced, not appended');
  t.equal(seen['x-real-ip'], '127.0.0.1');
  t.equal(seen['x-forwarded-proto'], 'http');
  t.equal(seen['x-forwarded-host'], 'app.example.com:8080');
  t.equal(seen['x-forwarded-port'], String(port));
  t.equal(seen.host, 'app.example.com:8080', 'Host passes unchanged');
});

t.test('X-Forwarded-* from a configured trusted proxy are kept and extended', async (t) => {
  const { backend, port } = await setup(t, undefined, ['127.0.0.0/8']);
  await get(port, '/', {
    headers: {
      'x-forwarded-for': '203.0.113.7, 10.9.9.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'public.example.com',
    },
  });
  const seen = backend.seen.at(-1)!.headers;
  t.equal(seen['x-forwarded-for'], '203.0.113.7, 10.9.9.9, 127.0.0.1');
  t.equal(seen['x-real-ip'], '10.9.9.9', 'the right-most untrusted address is the client');
  t.equal(seen['x-forwarded-proto'], 'https');
  t.equal(seen['x-forwarded-host'], 'public.example.com');
});

t.test('absolute-form targets go upstream in origin-form with the target host', async (t) => {
  const { backend, port } = await setup(t);
  await raw(port, 'GET http://abs.example.com/p?q=1 HTTP/1.1\r\nHost: other\r\n\r\n');
  t.equal(backend.seen.at(-1)!.url, '/p?q=1');
  t.equal(backend.seen.at(-1)!.headers.host, 'abs.example.com');
});

t.test('WebSocket-style upgrade: 101 then a raw tunnel both ways', async (t) => {
  const backend = await startBackend(t, 'ws');
  backend.server.on('upgrade', (req, socket) => {
    socket.on('error', () => undefined);
    socket.on('end', () => socket.end());
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\n\r\n`);
    socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}`));
  });
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'ws')], backendGroups: [group('ws', backend)] });
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  const [head] = (await once(socket, 'data')) as [Buffer];
  t.match(head.toString(), /^HTTP\/1\.1 101 [\s\S]*Upgrade: websocket/i);
  socket.write('ping');
  const [echo] = (await once(socket, 'data')) as [Buffer];
  t.equal(echo.toString(), 'echo:ping');
  socket.end();
  await once(socket, 'close');
});

t.test('h2c upgrades are refused', async (t) => {
  const { backend, port } = await setup(t);
  const reply = await raw(
    port,
    'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n',
  );
  t.same(statusLines(reply.text), [400]);
  t.equal(backend.seen.length, 0);
});

t.test('a slow client that never finishes its head gets 408', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [], 'b', { keepalive: { headerTimeoutMs: 300 } })],
    backendGroups: [group('b', backend)],
  });
  const reply = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\n', 3000);
  t.same(statusLines(reply.text), [408]);
  t.ok(reply.closed);
});

t.test('idle keep-alive connections are closed after the keep-alive timeout', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [], 'b', { keepalive: { timeoutMs: 300 } })],
    backendGroups: [group('b', backend)],
  });
  const reply = await raw(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 4000);
  t.same(statusLines(reply.text), [200]);
  t.ok(reply.closed, 'closed by the proxy while idle');
});
