// HTTP/2 on https ports: the limits every connection gets, exercised with node's http2 client.
import { once } from 'node:events';
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import t, { type Test } from 'tap';
import { freePort, group, listener, prefixRule, startBackend, startEngine } from './helpers.ts';
import { makeCertificate } from './tls-certificates.ts';

const cert = makeCertificate(['h2.example.com']);

async function h2Port(t: Test): Promise<number> {
  return (await h2Engine(t)).port;
}

async function h2Engine(t: Test) {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [
      listener(port, [prefixRule('all', '/', 'g')], null, {
        protocol: 'https',
        tls: { portCertificate: 'c', sni: [] },
      }),
    ],
    backendGroups: [group('g', backend)],
    certificates: [{ name: 'c', ...cert }],
  });
  return { port, engine };
}

async function session(t: Test, port: number): Promise<ClientHttp2Session> {
  const client = connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
  client.on('error', () => {});
  t.teardown(() => client.destroy());
  await once(client, 'remoteSettings');
  return client;
}

function request(
  client: ClientHttp2Session,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = client.request(headers, { endStream: true });
    let status = 0;
    let body = '';
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('data', (c: Buffer) => (body += c.toString()));
    stream.on('end', () => resolve({ status, body }));
    stream.on('error', reject);
  });
}

t.test('the server announces its limits and serves many streams on one connection', async (t) => {
  const port = await h2Port(t);
  const client = await session(t, port);
  t.equal(client.remoteSettings.maxConcurrentStreams, 128);
  t.equal(client.remoteSettings.maxHeaderListSize, 32 * 1024);
  t.equal(client.remoteSettings.enablePush, false);
  const replies = await Promise.all(
    Array.from({ length: 50 }, (_, i) => request(client, { ':path': `/s/${i}`, ':authority': 'h2.example.com' })),
  );
  t.same(new Set(replies.map((r) => r.status)), new Set([200]));
  t.same(
    replies.map((r) => JSON.parse(r.body).url),
    Array.from({ length: 50 }, (_, i) => `/s/${i}`),
  );
});

t.test('an oversized header list is refused, the connection and the port stay usable', async (t) => {
  const port = await h2Port(t);
  const client = await session(t, port);
  const big = await new Promise<string>((resolve) => {
    const stream = client.request({ ':path': '/', ':authority': 'h2.example.com', 'x-big': 'a'.repeat(40_000) });
    stream.on('response', (h) => resolve(`status ${h[':status']}`));
    stream.on('error', (e: Error) => resolve(e.message));
    stream.on('close', () => resolve(`closed ${stream.rstCode}`));
    stream.end();
  });
  t.notMatch(big, /^status 200/, `refused (${big})`);
  const fresh = await session(t, port);
  t.equal((await request(fresh, { ':path': '/after', ':authority': 'h2.example.com' })).status, 200);
});

t.test('rapid reset (CVE-2023-44487): a client cancelling streams in a burst loses its connection', async (t) => {
  const { port, engine } = await h2Engine(t);
  const client = await session(t, port);
  // Open and cancel at once, 2,000 streams (bounded), like the attack.
  for (let sent = 0; sent < 2000; sent++) {
    const stream = client.request({ ':path': '/', ':authority': 'h2.example.com' }, { endStream: true });
    stream.on('error', () => {});
    stream.close(constants.NGHTTP2_CANCEL);
    if (sent % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await new Promise<string>((resolve) => {
    const stream = client.request({ ':path': '/', ':authority': 'h2.example.com' }, { endStream: true });
    stream.on('response', (h) => resolve(`status ${h[':status']}`));
    stream.on('error', (e: Error) => resolve(e.message));
    stream.on('close', () => resolve(`closed ${stream.rstCode}`));
    setTimeout(() => resolve('no answer'), 3000);
  });
  t.notMatch(after, /^status/, `the attacking connection is no longer served (${after})`);
  // The port's open connections (TLS, HTTP/1.1 and HTTP/2): the server dropped the attacker's.
  const listeners = (engine as unknown as { listeners: Map<number, { connectionCount: number }> }).listeners;
  t.equal(listeners.get(port)!.connectionCount, 0, 'the server closed the connection');
  const fresh = await session(t, port);
  t.equal((await request(fresh, { ':path': '/', ':authority': 'h2.example.com' })).status, 200, 'others are served');
});

t.test('a local answer (no rule) and a refused CONNECT are HTTP/2 responses', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  await startEngine(t, {
    listeners: [
      listener(port, [prefixRule('api', '/api', 'g')], null, {
        protocol: 'https',
        tls: { portCertificate: 'c', sni: [] },
      }),
    ],
    backendGroups: [group('g', backend)],
    certificates: [{ name: 'c', ...cert }],
  });
  const client = await session(t, port);
  const miss = await new Promise<Record<string, unknown>>((resolve) => {
    const stream = client.request({ ':path': '/nothing', ':authority': 'h2.example.com' }, { endStream: true });
    stream.on('response', (h) => resolve(h));
    stream.resume();
  });
  t.equal(miss[':status'], 404);
  t.equal(miss['x-alb-err-reason'], 'InvalidUpstream : no rule match');
  t.equal(miss.connection, undefined, 'no connection-specific fields in HTTP/2');
});
