// tcp and udp Frontends from a real kube-apiserver: alb-instance --source kube opens their ports and forwards to the
// Services' EndpointSlices; the Frontends are Accepted; an EndpointSlice change moves new connections while an
// established one goes on with its endpoint.
import { setupTestEnv, type TestEnv } from '@alb/kube-testenv';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { serviceFor } from '../src/backends.ts';
import { apply, installCrds, read, yaml, type Manifest } from '../src/cluster.ts';
import { eventually, freePort, startInstance } from '../src/instance-process.ts';
import { backendAddress } from '../src/test-netns.ts';

/** A TCP server on `address` that greets with its name, then echoes. */
async function tcpBackend(t: Test, address: string, name: string): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write(`${name}\n`);
    socket.pipe(socket);
  });
  server.listen(0, address);
  await once(server, 'listening');
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** The greeting of a fresh connection to `port` (which backend it reached), then it is closed. */
async function greeting(port: number): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  const [data] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return data.toString().trim();
}

t.test('tcp and udp Frontends from the API server', { timeout: 300_000 }, async (t) => {
  const env: TestEnv = await setupTestEnv(t);
  await installCrds(env);
  const address = backendAddress();
  const first = await tcpBackend(t, address, 'first');
  const second = await tcpBackend(t, address, 'second');
  const dns = createSocket('udp4');
  dns.on('message', (datagram, from) => dns.send(`answer to ${datagram.toString()}`, from.port, from.address));
  dns.bind(0, address);
  await once(dns, 'listening');
  t.teardown(() => dns.close());

  const tcpPort = await freePort();
  const udpPort = await freePort();
  const name = (port: number) => `alb-l4-${String(port).padStart(5, '0')}`;
  const [tcpFrontend, udpFrontend] = yaml(`apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: ${name(tcpPort)}, namespace: kube-system, labels: { alb2.cpaas.io/name: alb-l4 } }
spec:
  port: ${tcpPort}
  protocol: tcp
  serviceGroup: { session_affinity_policy: sip-hash, services: [{ name: db, namespace: default, port: 80 }] }
  config: { timeout: { proxy_connect_timeout_ms: 2000, proxy_read_timeout_ms: 60000 } }
---
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: ${name(udpPort)}, namespace: kube-system, labels: { alb2.cpaas.io/name: alb-l4 } }
spec:
  port: ${udpPort}
  protocol: udp
  serviceGroup: { services: [{ name: dns, namespace: default, port: 80 }] }`) as [Manifest, Manifest];
  await apply(
    env,
    ...yaml(
      'apiVersion: crd.alauda.io/v2beta1\nkind: ALB2\nmetadata: { name: alb-l4, namespace: kube-system }\nspec: { type: nginx }',
    ),
    ...serviceFor('db', address, first),
    ...serviceFor('dns', address, dns.address().port),
    tcpFrontend,
    udpFrontend,
  );
  const instance = await startInstance(
    [
      '--source',
      'kube',
      '--kubeconfig',
      env.kubeconfigPath,
      '--alb',
      'alb-l4',
      '--namespace',
      'kube-system',
      '--bind',
      '127.0.0.1',
    ],
    (fn) => t.teardown(fn),
  );

  t.equal(await greeting(tcpPort), 'first', 'the tcp Frontend reaches the Service endpoint');
  const held = connect({ port: tcpPort, host: '127.0.0.1' });
  let heldText = '';
  held.on('data', (chunk: Buffer) => (heldText += chunk.toString()));
  await eventually(
    async () => heldText,
    (text) => text === 'first\n',
  );

  const client = createSocket('udp4');
  t.teardown(() => client.close());
  client.bind(0, '127.0.0.1');
  await once(client, 'listening');
  client.send('query', udpPort, '127.0.0.1');
  const [reply, from] = (await once(client, 'message')) as [Buffer, { port: number }];
  t.equal(reply.toString(), 'answer to query', 'the udp Frontend forwards and answers');
  t.equal(from.port, udpPort, "from the Frontend's port");

  for (const frontend of [tcpFrontend, udpFrontend]) {
    const status = await eventually(
      () => read(env, frontend),
      (f) => (f.status as { conditions?: unknown[] } | undefined)?.conditions !== undefined,
    );
    t.match(
      (status.status as { conditions: unknown[] }).conditions,
      [{ type: 'Accepted', status: 'True' }],
      `${frontend.metadata.name} is Accepted`,
    );
  }

  // The Service's endpoints move to the second backend: new connections follow, the held one stays.
  await apply(env, ...serviceFor('db', address, second));
  t.equal(
    await eventually(
      () => greeting(tcpPort),
      (g) => g === 'second',
    ),
    'second',
    'a new connection reaches the new endpoint',
  );
  held.write('still there?');
  t.equal(
    await eventually(
      async () => heldText,
      (text) => text === 'first\nstill there?',
    ),
    'first\nstill there?',
    'the established connection kept its endpoint through the change',
  );
  held.destroy();
  t.equal(await instance.stop(), 0);
});
