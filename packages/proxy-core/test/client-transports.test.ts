// Client bytes come in two ways: plain TCP reads into one buffer shared by every connection (`onread`), stream
// sockets (TLS) through 'data' events (`HttpListener.adopt`). Both must serve exactly what each client sent.
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import t from 'tap';
import { RuleCompileCache } from '@alb/dslx';
import { defaultLimits } from '../src/http/limits.ts';
import { ListenerStats } from '../src/metrics.ts';
import { HttpListener } from '../src/proxy/http-listener.ts';
import { compileHttpPortState } from '../src/proxy/port-state.ts';
import { Balancer } from '../src/balancer/balancer.ts';
import { createEndpoint, UpstreamTarget } from '../src/balancer/endpoint.ts';
import { freePort, group, listener, prefixRule, startEngine, startRawBackend } from './helpers.ts';

/** The backend answers with the request's X-Id and body, so a response shows which request it came from. */
const echoIdAndBody = (head: string, body: string) => {
  const id = /^x-id: (.*)$/im.exec(head)?.[1] ?? '?';
  const text = `${id}|${body}`;
  return `HTTP/1.1 200 OK\r\nContent-Length: ${text.length}\r\n\r\n${text}`;
};

/** Sends `data` in one write and reads until `count` responses (with Content-Length bodies) arrived. */
function exchange(port: number, data: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const bodies: string[] = [];
    socket.on('connect', () => socket.write(data));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      for (;;) {
        const end = text.indexOf('\r\n\r\n');
        if (end === -1) break;
        const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
        if (text.length < end + 4 + length) break;
        bodies.push(text.slice(end + 4, end + 4 + length));
        text = text.slice(end + 4 + length);
      }
      if (bodies.length === count) {
        socket.destroy();
        resolve(bodies);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => bodies.length < count && reject(new Error(`closed after ${bodies.length} responses`)));
  });
}

t.test('plain connections read into the shared buffer and keep nothing another read overwrites', async (t) => {
  const backend = await startRawBackend(t, echoIdAndBody);
  const port = await freePort();
  // No idle upstream connections: every request waits for a new one, so its head and body must outlive the read
  // they arrived in while other connections' reads reuse the buffer.
  const engine = await startEngine(
    t,
    { listeners: [listener(port, [prefixRule('all', '/', 'b')])], backendGroups: [group('b', backend)] },
    { upstreamPool: { maxIdle: 0 } },
  );
  const listeners = (engine as unknown as { listeners: Map<number, { sharedBufferReads: boolean }> }).listeners;
  t.equal(listeners.get(port)!.sharedBufferReads, true, 'this node lets the listener read into its shared buffer');

  const clients = 40;
  const results = await Promise.all(
    Array.from({ length: clients }, (_, i) => {
      const body = `body-of-${i}-`.repeat(1 + (i % 7));
      // A POST with its body and a pipelined GET, in one write: both must reach the backend intact.
      const data =
        `POST /upload HTTP/1.1\r\nHost: a\r\nX-Id: post-${i}\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        `GET /next HTTP/1.1\r\nHost: a\r\nX-Id: get-${i}\r\n\r\n`;
      return exchange(port, data, 2).then((bodies) => ({ i, body, bodies }));
    }),
  );
  for (const { i, body, bodies } of results) {
    t.same(bodies, [`post-${i}|${body}`, `get-${i}|`], `client ${i} got its own answers`);
  }
  t.equal(backend.heads.length, clients * 2, 'the backend read every request once');
});

t.test('a stream socket handed over with adopt is served by the same connection class, with its scheme', async (t) => {
  const backend = await startRawBackend(t, (head) => {
    const proto = /^x-forwarded-proto: (.*)$/im.exec(head)?.[1] ?? '?';
    return `HTTP/1.1 200 OK\r\nContent-Length: ${proto.length}\r\n\r\n${proto}`;
  });
  const stats = new ListenerStats(443);
  const target = new UpstreamTarget('127.0.0.1', backend.port, { maxIdle: 8, idleTimeoutMs: 10_000 });
  const state = compileHttpPortState(
    { ...listener(443, [prefixRule('all', '/', 'b')]) },
    {
      balancers: new Map([['b', new Balancer('round-robin', [createEndpoint(target, 1)], null)]]),
      trusted: null,
      stats,
      cache: new RuleCompileCache(),
      issues: [],
    },
  );
  const settings = { limits: defaultLimits, failCooldownMs: 1000, maxConnections: 10, accessLog: null, logger: null };
  const http = new HttpListener(443, stats, settings, state);
  // Stands in for a TLS server: it hands each connected socket (its 'data' chunks are its own) to the listener.
  const server = createServer((socket) => http.adopt(socket, 'https'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    http.destroyAll();
    target.close();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;
  const bodies = await exchange(port, 'GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n', 2);
  t.same(bodies, ['https', 'https'], 'X-Forwarded-Proto is the scheme the socket was adopted with');
  t.equal(http.connectionCount, 1, 'the listener tracks the adopted connection');
});
