// UDP listeners: a session per client address and port, replies from the listener's port, idle timeout, session
// cap, reply counts; a real dnsmasq on loopback queried with dig through the proxy.
import { execFile, spawn } from 'node:child_process';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { freePort, group, startEngine } from './helpers.ts';
import { eventually, streamListener, streamStats } from './l4-helpers.ts';
import { requireProgram } from './programs.ts';

const run = promisify(execFile);

/** A UDP server answering each datagram with `<name> <text> from <the sender's port>`, `replies` times. */
async function udpBackend(t: Test, name: string, replies = 1): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket('udp4');
  socket.on('message', (datagram, from) => {
    for (let i = 0; i < replies; i++)
      socket.send(`${name} ${datagram.toString()} from ${from.port}`, from.port, from.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  return { port: socket.address().port, socket };
}

/** A client socket collecting what comes back, with who sent it. */
async function udpClient(t: Test, address = '127.0.0.1') {
  const socket = createSocket('udp4');
  const received: Array<{ text: string; from: RemoteInfo }> = [];
  socket.on('message', (datagram, from) => received.push({ text: datagram.toString(), from }));
  socket.bind(0, address);
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  return {
    socket,
    received,
    send: (text: string, port: number) => socket.send(text, port, '127.0.0.1'),
    /** Waits until `count` datagrams came back (at most 3 s). */
    waitFor: (count: number) => eventually(() => received.length >= count),
  };
}

t.test('a session per client: replies come from the listener port, one upstream port per client', async (t) => {
  const backend = await udpBackend(t, 'b');
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [streamListener(port, 'g', null, 'udp')],
    backendGroups: [group('g', backend)],
  });
  const one = await udpClient(t);
  const two = await udpClient(t);
  one.send('q1', port);
  one.send('q2', port);
  two.send('q3', port);
  t.ok(await one.waitFor(2));
  t.ok(await two.waitFor(1));
  for (const reply of [...one.received, ...two.received])
    t.equal(reply.from.port, port, `"${reply.text}" came back from the listener's port`);
  const upstreamPort = (text: string) => Number(/from (\d+)$/.exec(text)![1]);
  t.equal(upstreamPort(one.received[0]!.text), upstreamPort(one.received[1]!.text), 'one client, one session');
  t.not(upstreamPort(one.received[0]!.text), upstreamPort(two.received[0]!.text), 'another client, another');
  const stats = streamStats(engine, port);
  t.equal(stats.protocol, 'udp');
  t.equal(stats.activeConnections, 2, 'two sessions open');
  t.equal(stats.connectionsTotal, 2);
  t.equal(stats.bytesReceived, 6);
  t.ok(stats.bytesSent > 0);
});

t.test('idle sessions end; a live one survives config changes', async (t) => {
  const a = await udpBackend(t, 'a');
  const b = await udpBackend(t, 'b');
  const port = await freePort();
  const config = (target: 'a' | 'b', idleTimeoutMs: number) => ({
    listeners: [streamListener(port, target, { idleTimeoutMs }, 'udp')],
    backendGroups: [group('a', a), group('b', b)],
  });
  const engine = await startEngine(t, config('a', 400));
  const client = await udpClient(t);
  client.send('1', port);
  t.ok(await client.waitFor(1));
  await engine.apply(config('b', 400));
  client.send('2', port);
  t.ok(await client.waitFor(2));
  t.match(client.received[1]!.text, /^a 2/, 'the live session stays on its endpoint after the config changed');
  const fresh = await udpClient(t);
  fresh.send('3', port);
  t.ok(await fresh.waitFor(1));
  t.match(fresh.received[0]!.text, /^b 3/, 'a new client follows the new config');
  t.ok(await eventually(() => streamStats(engine, port).activeConnections === 0), 'both sessions end when idle');
  client.send('4', port);
  t.ok(await client.waitFor(3));
  t.match(client.received[2]!.text, /^b 4/, 'after its idle timeout the client starts a new session');
});

t.test('the session cap closes the least recently active session', async (t) => {
  const backend = await udpBackend(t, 'b');
  const port = await freePort();
  const engine = await startEngine(
    t,
    { listeners: [streamListener(port, 'g', null, 'udp')], backendGroups: [group('g', backend)] },
    { maxConnections: 2 },
  );
  const clients = [await udpClient(t), await udpClient(t), await udpClient(t)];
  // Recency is kept per sweep interval (100 ms): the steps are further apart than that.
  const later = () => new Promise((resolve) => setTimeout(resolve, 250));
  clients[0]!.send('a', port);
  t.ok(await clients[0]!.waitFor(1));
  await later();
  clients[1]!.send('b', port);
  t.ok(await clients[1]!.waitFor(1));
  await later();
  clients[0]!.send('a again', port); // now client 1 is the least recently active
  t.ok(await clients[0]!.waitFor(2));
  await later();
  clients[2]!.send('c', port);
  t.ok(await clients[2]!.waitFor(1));
  const stats = streamStats(engine, port);
  t.equal(stats.activeConnections, 2, 'never more than the cap');
  t.equal(stats.sessionsEvicted, 1);
  const upstreamPort = (text: string) => /from (\d+)$/.exec(text)![1];
  clients[0]!.send('a third', port);
  t.ok(await clients[0]!.waitFor(3));
  t.equal(
    upstreamPort(clients[0]!.received[2]!.text),
    upstreamPort(clients[0]!.received[0]!.text),
    'the recently active session was kept',
  );
});

t.test('udpResponses: the session ends once each datagram got its replies', async (t) => {
  const backend = await udpBackend(t, 'b', 2);
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [streamListener(port, 'g', { udpResponses: 2 }, 'udp')],
    backendGroups: [group('g', backend)],
  });
  const client = await udpClient(t);
  client.send('q', port);
  t.ok(await client.waitFor(2), 'both replies arrive');
  t.ok(await eventually(() => streamStats(engine, port).activeConnections === 0), 'then the session is over');
  t.equal(streamStats(engine, port).connectionsTotal, 1);
});

t.test('an endpoint that refuses datagrams is counted and skipped', async (t) => {
  const live = await udpBackend(t, 'live');
  const dead = await freePort();
  const port = await freePort();
  const engine = await startEngine(
    t,
    {
      listeners: [streamListener(port, 'g', null, 'udp')],
      backendGroups: [group('g', { port: dead }, { port: live.port })],
    },
    { failCooldownMs: 60_000 },
  );
  // Round robin sends one of the first two clients to the dead endpoint; its ICMP "port unreachable" ends that
  // session and marks the endpoint down, so the client's retry (as a DNS resolver would) reaches the live one.
  const texts: string[] = [];
  for (let i = 0; i < 4; i++) {
    const client = await udpClient(t);
    for (let attempt = 0; attempt < 3 && client.received.length === 0; attempt++) {
      client.send(`q${i}`, port);
      await eventually(() => client.received.length > 0, 300);
    }
    texts.push(client.received[0]?.text ?? 'no answer');
  }
  t.same(
    texts.map((x) => x.split(' ')[0]),
    ['live', 'live', 'live', 'live'],
  );
  t.equal(streamStats(engine, port).upstreamErrors, 1, 'one refusal, then the endpoint was skipped');
});

t.test('dig through a udp listener to a real dnsmasq', async (t) => {
  const dnsPort = await freePort();
  const dnsmasq = spawn(
    requireProgram('dnsmasq', 'dnsmasq-base'),
    [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      `--port=${dnsPort}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--pid-file=',
      '--address=/alb.test/192.0.2.10',
    ],
    { stdio: 'ignore' },
  );
  t.teardown(() => dnsmasq.kill('SIGKILL'));
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [streamListener(port, 'dns', { udpResponses: 1 }, 'udp')],
    backendGroups: [group('dns', { port: dnsPort })],
  });
  const dig = requireProgram('dig', 'dnsutils');
  const query = (name: string) =>
    run(dig, ['@127.0.0.1', '-p', String(port), '+short', '+time=3', '+tries=4', name]).then((r) => r.stdout.trim());
  // dnsmasq may take a moment to start: dig retries until it answers. Generous retries: on a loaded machine 30 dig
  // processes at once can miss a 2 s reply window.
  let answer = '';
  for (let i = 0; i < 20 && answer !== '192.0.2.10'; i++) answer = await query('www.alb.test').catch(() => '');
  t.equal(answer, '192.0.2.10', 'dig got the answer dnsmasq gives');
  const names = Array.from({ length: 30 }, (_, i) => `host${i}.alb.test`);
  const answers = await Promise.all(names.map(query));
  t.same(answers, Array(30).fill('192.0.2.10'), '30 parallel queries, each answered');
  t.ok(
    await eventually(() => streamStats(engine, port).activeConnections === 0),
    'each query session ended with its one reply (udpResponses 1)',
  );
  t.ok(streamStats(engine, port).connectionsTotal >= 31);
});
