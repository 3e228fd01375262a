// tcp and udp ports served by two worker processes (SO_REUSEPORT for both): connections and sessions work
// whichever worker gets them, UDP clients stay with one worker, and the L4 counters of both are merged.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import t from 'tap';
import { createDataPlane } from '../src/index.ts';
import { freePort, group } from './helpers.ts';
import { echoBackend, exchange, streamListener } from './l4-helpers.ts';

t.test('two workers: tcp and udp, merged L4 metrics', { timeout: 120_000 }, async (t) => {
  const echo = await echoBackend(t);
  const udpEcho = createSocket('udp4');
  udpEcho.on('message', (datagram, from) => udpEcho.send(datagram, from.port, from.address));
  udpEcho.bind(0, '127.0.0.1');
  await once(udpEcho, 'listening');
  t.teardown(() => udpEcho.close());
  const tcpPort = await freePort();
  const udpPort = await freePort();
  const plane = createDataPlane({ workers: 2, bind: '127.0.0.1', drainTimeoutMs: 500 });
  t.teardown(() => plane.close(500));
  const result = await plane.apply({
    listeners: [streamListener(tcpPort, 'tcp'), streamListener(udpPort, 'udp', null, 'udp')],
    backendGroups: [group('tcp', echo), group('udp', { port: udpEcho.address().port })],
  });
  t.same(result.failed, [], 'both ports open in both workers');
  t.same(
    result.listening,
    [tcpPort, udpPort].sort((a, b) => a - b),
  );

  const connections = 40;
  for (let i = 0; i < connections; i++) t.equal((await exchange(tcpPort, `m${i}`)).text, `m${i}`);

  const clients = 10;
  const perClient = 5;
  for (let c = 0; c < clients; c++) {
    const socket = createSocket('udp4');
    const replies: string[] = [];
    socket.on('message', (datagram) => replies.push(datagram.toString()));
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    for (let i = 0; i < perClient; i++) {
      socket.send(`c${c} d${i}`, udpPort, '127.0.0.1');
      await once(socket, 'message');
    }
    socket.close();
    t.same(
      replies,
      Array.from({ length: perClient }, (_, i) => `c${c} d${i}`),
      `client ${c}: every datagram answered`,
    );
  }

  const stats = await plane.stats();
  const tcp = stats.listeners.find((l) => l.port === tcpPort)!;
  const udp = stats.listeners.find((l) => l.port === udpPort)!;
  t.equal(tcp.connectionsTotal, connections, 'tcp connections of both workers, merged');
  t.equal(udp.connectionsTotal, clients, 'one session per client: each client stayed in one worker');
  t.equal(udp.bytesReceived, udp.bytesSent, 'every byte echoed');
  const metrics = await plane.metrics();
  t.match(metrics, `alb_l4_connections_total{port="${tcpPort}",protocol="tcp"} ${connections}`);
  t.match(metrics, `alb_l4_connections_total{port="${udpPort}",protocol="udp"} ${clients}`);
  t.match(metrics, `alb_l4_connections_active{port="${udpPort}",protocol="udp"} ${clients}`);
  t.notMatch(metrics, `alb_http_requests_total{port="${tcpPort}"`, 'no HTTP series for L4 ports');
});
