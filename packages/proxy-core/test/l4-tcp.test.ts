// TCP listeners: real sockets on loopback, forwarded byte for byte to real TCP backends.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { promisify } from 'node:util';
import t from 'tap';
import type { DataPlaneConfig } from '../src/index.ts';
import { freePort, get, group, listener, startBackend, startEngine } from './helpers.ts';
import {
  echoBackend,
  eventually,
  exchange,
  namedBackend,
  pattern,
  sha256,
  streamListener,
  streamStats,
  tcpBackend,
} from './l4-helpers.ts';
import { requireProgram } from './programs.ts';

const run = promisify(execFile);

t.test('bytes go both ways unchanged; counters per port', async (t) => {
  const echo = await echoBackend(t);
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [streamListener(port, 'echo')],
    backendGroups: [group('echo', echo)],
  });
  const payload = pattern(3 * 1024 * 1024);
  const reply = await exchange(port, payload);
  t.equal(reply.bytes.length, payload.length, 'as many bytes back as sent');
  t.equal(sha256(reply.bytes), sha256(payload), 'the same bytes');
  t.ok(await eventually(() => streamStats(engine, port).activeConnections === 0), 'the tunnel is gone');
  const stats = streamStats(engine, port);
  t.equal(stats.protocol, 'tcp');
  t.equal(stats.connectionsTotal, 1);
  t.equal(stats.bytesReceived, payload.length);
  t.equal(stats.bytesSent, payload.length);
  t.equal(stats.upstreamErrors, 0);
});

t.test('weighted round robin over a serviceGroup', async (t) => {
  const a = await namedBackend(t, 'a');
  const b = await namedBackend(t, 'b');
  const port = await freePort();
  await startEngine(t, {
    listeners: [streamListener(port, 'g')],
    backendGroups: [group('g', { port: a.port, weight: 3 }, { port: b.port, weight: 1 })],
  });
  const seen: string[] = [];
  for (let i = 0; i < 8; i++) seen.push((await exchange(port)).text);
  t.same(seen.filter((s) => s === 'a').length, 6, `a gets 3 of every 4 connections (${seen.join('')})`);
  t.same(seen.filter((s) => s === 'b').length, 2);
});

t.test('sip-hash keeps a client address on one endpoint', async (t) => {
  const backends = await Promise.all(['a', 'b', 'c', 'd'].map((name) => namedBackend(t, name)));
  const port = await freePort();
  await startEngine(t, {
    listeners: [streamListener(port, 'g')],
    backendGroups: [
      {
        name: 'g',
        policy: 'sip-hash',
        endpoints: backends.map((b) => ({ address: '127.0.0.1', port: b.port, weight: 100 })),
      },
    ],
  });
  const chosen = new Map<string, Set<string>>();
  for (let client = 1; client <= 12; client++) {
    const from = `127.0.0.${client}`;
    const names = new Set<string>();
    for (let i = 0; i < 3; i++) names.add((await exchange(port, '', from)).text);
    chosen.set(from, names);
  }
  for (const [from, names] of chosen) t.equal(names.size, 1, `${from} always lands on ${[...names].join()}`);
  const spread = new Set([...chosen.values()].map((names) => [...names][0]));
  t.ok(spread.size >= 2, `12 client addresses spread over ${spread.size} endpoints`);
});

t.test('half-close: the client FIN reaches the backend, which still answers', async (t) => {
  // The backend reads until the client's FIN, then answers with what it counted.
  const counter = await tcpBackend(t, 'counter', (socket) => {
    let total = 0;
    socket.on('data', (chunk: Buffer) => (total += chunk.length));
    socket.on('end', () => socket.end(`got ${total}`));
  });
  const port = await freePort();
  await startEngine(t, { listeners: [streamListener(port, 'g')], backendGroups: [group('g', counter)] });
  t.equal((await exchange(port, 'x'.repeat(100_000))).text, 'got 100000');
});

t.test('half-close the other way: the backend FINs first and the client may still send', async (t) => {
  let received = '';
  const done = new Promise<void>((resolve) => {
    void tcpBackend(t, 'greeter', (socket) => {
      socket.end('hello; now talk');
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('end', () => resolve());
    }).then((backend) => start(backend.port));
  });
  const start = async (backendPort: number) => {
    const port = await freePort();
    await startEngine(t, {
      listeners: [streamListener(port, 'g')],
      backendGroups: [group('g', { port: backendPort })],
    });
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let greeting = '';
    socket.on('data', (chunk: Buffer) => (greeting += chunk.toString()));
    await once(socket, 'end');
    t.equal(greeting, 'hello; now talk', 'the backend FIN arrives after its bytes');
    socket.end('still here');
  };
  await done;
  t.equal(received, 'still here', 'bytes sent after the backend FIN reach it');
});

t.test('backpressure: a backend that does not read stops the client, memory stays flat', async (t) => {
  let backendSocket: Socket | null = null;
  const received: Buffer[] = [];
  const sink = await tcpBackend(t, 'sink', (socket) => {
    backendSocket = socket;
    socket.pause();
    socket.on('data', (chunk: Buffer) => received.push(chunk));
  });
  const port = await freePort();
  const engine = await startEngine(t, { listeners: [streamListener(port, 'g')], backendGroups: [group('g', sink)] });
  const payload = pattern(64 * 1024 * 1024, 7);
  const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(client, 'connect');
  let offset = 0;
  const pump = () => {
    while (offset < payload.length) {
      const chunk = payload.subarray(offset, offset + 256 * 1024);
      offset += chunk.length;
      if (!client.write(chunk)) return;
    }
    client.end();
  };
  client.on('drain', pump);
  pump();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const forwarded = streamStats(engine, port).bytesReceived;
  // Kernel socket buffers on loopback hold a few MiB each way; the proxy itself holds at most a chunk or two.
  t.ok(forwarded < 16 * 1024 * 1024, `the proxy took only ${forwarded} bytes of 64 MiB while the backend did not read`);
  t.ok(offset < payload.length, 'the client was stopped before sending everything');
  backendSocket!.resume();
  await once(backendSocket!, 'end');
  const all = Buffer.concat(received);
  t.equal(all.length, payload.length, 'everything arrives once the backend reads');
  t.equal(sha256(all), sha256(payload));
});

t.test('a refused endpoint: tried once on another, marked down, counted', async (t) => {
  const live = await namedBackend(t, 'live');
  const dead = await freePort();
  const port = await freePort();
  const engine = await startEngine(
    t,
    {
      listeners: [streamListener(port, 'g')],
      backendGroups: [group('g', { port: dead }, { port: live.port })],
    },
    { failCooldownMs: 60_000 },
  );
  const replies: string[] = [];
  for (let i = 0; i < 6; i++) replies.push((await exchange(port)).text);
  t.same(replies, Array(6).fill('live'), 'every connection reached the live endpoint');
  t.ok(await eventually(() => streamStats(engine, port).activeConnections === 0));
  t.equal(streamStats(engine, port).upstreamErrors, 1, 'one refused connect, then the endpoint was skipped');
});

t.test('passive health is shared with HTTP: an endpoint a tcp connect found down is skipped by http', async (t) => {
  const live = await startBackend(t, 'live');
  const dead = await freePort();
  const tcpPort = await freePort();
  const httpPort = await freePort();
  const engine = await startEngine(
    t,
    {
      listeners: [streamListener(tcpPort, 'tcp'), listener(httpPort, [], 'http')],
      // The dead endpoint is first in both groups: round robin would try it first.
      backendGroups: [group('tcp', { port: dead }), group('http', { port: dead }, { port: live.port })],
    },
    { failCooldownMs: 60_000 },
  );
  await exchange(tcpPort, 'x');
  t.equal(streamStats(engine, tcpPort).upstreamErrors, 1, 'the tcp connect was refused');
  const reply = await get(httpPort, '/');
  t.equal(reply.headers['x-backend'], 'live');
  t.equal(streamStats(engine, httpPort).upstreamErrors, 0, 'http never tried the endpoint tcp found down');
});

t.test('a connect that does not complete in time is tried once on another endpoint', async (t) => {
  // A listener whose accept queue is full: the kernel drops further SYNs, so a connect neither completes nor fails.
  // A child Node listens with a backlog of 1 and then blocks its event loop, so it never accepts; connections are
  // opened until one stays pending (the queue is full).
  const blocker = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         process.stdout.write(s.address().port + '\\n');
         setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30000), 50);
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.teardown(() => blocker.kill('SIGKILL'));
  let printed = '';
  blocker.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  t.ok(await eventually(() => /^\d+$/m.test(printed), 10_000), `the blocker printed its port (${printed})`);
  const silentPort = Number(/^(\d+)$/m.exec(printed)?.[1]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const fillers: Socket[] = [];
  t.teardown(() => fillers.forEach((f) => f.destroy()));
  for (let i = 0; i < 8; i++) {
    const filler = connect(silentPort, '127.0.0.1');
    filler.on('error', () => undefined);
    fillers.push(filler);
    const connected = await Promise.race([
      once(filler, 'connect').then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300)),
    ]);
    if (!connected) break;
  }
  const live = await namedBackend(t, 'live');
  const port = await freePort();
  const engine = await startEngine(
    t,
    {
      listeners: [streamListener(port, 'g', { connectTimeoutMs: 300 })],
      backendGroups: [group('g', { port: silentPort }, { port: live.port })],
    },
    { failCooldownMs: 60_000 },
  );
  const replies: string[] = [];
  for (let i = 0; i < 6; i++) replies.push((await exchange(port)).text);
  t.same(replies, Array(6).fill('live'), 'every connection reached the live endpoint');
  t.ok(await eventually(() => streamStats(engine, port).activeConnections === 0));
  t.equal(streamStats(engine, port).upstreamErrors, 1, 'one connect timed out, then the endpoint was skipped');
});

t.test('no endpoint that accepts: the client connection is closed, errors counted', async (t) => {
  const port = await freePort();
  const dead = [await freePort(), await freePort()];
  const engine = await startEngine(t, {
    listeners: [streamListener(port, 'g'), streamListener(await freePort(), null)],
    backendGroups: [group('g', ...dead.map((p) => ({ port: p })))],
  });
  const reply = await exchange(port, 'lost');
  t.equal(reply.text, '', 'nothing comes back; the connection is closed (a reset: its bytes were never read)');
  t.equal(streamStats(engine, port).upstreamErrors, 2, 'both endpoints were tried');
});

t.test('TCP keepalive on client connections, as the kernel reports it (ss)', async (t) => {
  const echo = await echoBackend(t);
  const withKeepalive = await freePort();
  const without = await freePort();
  await startEngine(t, {
    listeners: [streamListener(withKeepalive, 'g', { keepaliveIdleMs: 1_800_000 }), streamListener(without, 'g')],
    backendGroups: [group('g', echo)],
  });
  const open = async (port: number) => {
    const socket = connect({ port, host: '127.0.0.1' });
    t.teardown(() => socket.destroy());
    socket.write('x');
    await once(socket, 'data');
  };
  await open(withKeepalive);
  await open(without);
  // -o shows socket timers: the proxy's accepted socket (local port = the listener's) has a keepalive timer of
  // about 30 minutes only where it was asked for.
  const ss = requireProgram('ss', 'iproute2');
  const timers = async (port: number) =>
    (await run(ss, ['-tnoH', 'state', 'established', `( sport = :${port} )`])).stdout.trim();
  t.match(await timers(withKeepalive), /timer:\(keepalive,(29|30)min/);
  t.notMatch(await timers(without), /keepalive/);
});

t.test('idle timeout: a connection with no bytes either way is closed', async (t) => {
  const echo = await echoBackend(t);
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [streamListener(port, 'g', { idleTimeoutMs: 300 })],
    backendGroups: [group('g', echo)],
  });
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  const started = Date.now();
  socket.write('ping');
  await once(socket, 'data');
  await once(socket, 'close');
  t.ok(Date.now() - started >= 250, 'closed after the idle timeout, not before');
  t.ok(await eventually(() => streamStats(engine, port).activeConnections === 0));
});

t.test('hot reconfiguration during a long transfer: it completes byte for byte', async (t) => {
  const size = 48 * 1024 * 1024;
  const payload = pattern(size, 3);
  // The source streams a large payload slowly enough that many applies happen during the transfer.
  const source = await tcpBackend(t, 'source', (socket) => {
    let offset = 0;
    const step = () => {
      if (socket.destroyed) return;
      if (offset >= size) {
        socket.end();
        return;
      }
      const chunk = payload.subarray(offset, offset + 256 * 1024);
      offset += chunk.length;
      if (socket.write(chunk)) setTimeout(step, 10);
      else socket.once('drain', () => setTimeout(step, 10));
    };
    step();
  });
  const other = await namedBackend(t, 'other');
  const port = await freePort();
  const extra = await freePort();
  const configFor = (round: number): DataPlaneConfig => ({
    listeners: [
      streamListener(port, round === 0 ? 'source' : 'other', { idleTimeoutMs: 10_000 + round }),
      ...(round % 2 === 1 ? [streamListener(extra, 'other')] : []),
    ],
    // After the first apply the source endpoint leaves the config entirely: its connection must drain.
    backendGroups: round === 0 ? [group('source', source), group('other', other)] : [group('other', other)],
  });
  const engine = await startEngine(t, configFor(0));
  const client = connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  client.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = once(client, 'close');
  await once(client, 'data');
  for (let round = 1; round <= 20; round++) {
    const result = await engine.apply(configFor(round));
    t.same(result.failed, [], `apply ${round}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const receivedDuringApplies = chunks.reduce((sum, c) => sum + c.length, 0);
  t.ok(
    receivedDuringApplies < size,
    `the transfer was still running after 20 applies (${receivedDuringApplies} bytes in)`,
  );
  t.equal((await exchange(port)).text, 'other', 'new connections follow the new config');
  await closed;
  const received = Buffer.concat(chunks);
  t.equal(received.length, size, 'every byte arrived');
  t.equal(sha256(received), sha256(payload), 'in order and unchanged');
});

t.test('a port that cannot be bound fails alone; the others are served', async (t) => {
  const taken = createServer();
  taken.listen(0, '127.0.0.1');
  await once(taken, 'listening');
  t.teardown(() => taken.close());
  const takenPort = (taken.address() as AddressInfo).port;
  const echo = await echoBackend(t);
  const port = await freePort();
  const { Engine } = await import('../src/index.ts');
  const engine = new Engine({ bind: '127.0.0.1' });
  t.teardown(() => engine.close(100));
  const result = await engine.apply({
    listeners: [streamListener(takenPort, 'g'), streamListener(port, 'g')],
    backendGroups: [group('g', echo)],
  });
  t.equal(result.failed.length, 1);
  t.equal(result.failed[0]!.port, takenPort);
  t.match(result.failed[0]!.error, /EADDRINUSE/);
  t.same(result.listening, [port]);
  t.equal((await exchange(port, 'ok')).text, 'ok');
});

t.test('rules on a tcp listener and cookie affinity are reported, not silently dropped', async (t) => {
  const echo = await echoBackend(t);
  const port = await freePort();
  const { Engine } = await import('../src/index.ts');
  const engine = new Engine({ bind: '127.0.0.1' });
  t.teardown(() => engine.close(100));
  const result = await engine.apply({
    listeners: [
      {
        ...streamListener(port, 'g', { idleTimeoutMs: -1 }),
        rules: [{ name: 'r', priority: 1, dslx: [], backendGroup: 'g' }],
      },
    ],
    backendGroups: [{ ...group('g', echo), policy: 'cookie' }],
  });
  t.same(
    result.issues.map((i) => `${i.rule} ${i.field}`),
    ['r rules', '(default backend) defaultBackend.backendGroup', '(default backend) stream.idleTimeoutMs'],
  );
  t.equal((await exchange(port, 'still served')).text, 'still served');
});
