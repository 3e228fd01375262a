// PROXY protocol v2 towards the backend: the header bytes (table), and a real nginx (`listen ... proxy_protocol`)
// reading the client's address and port from what a tcp listener sends.
import { once } from 'node:events';
import { connect } from 'node:net';
import t from 'tap';
import { proxyV2Header } from '../src/l4/proxy-protocol.ts';
import { freePort, group, startEngine } from './helpers.ts';
import { streamListener } from './l4-helpers.ts';
import { startNginx } from './nginx.ts';

const signature = '0d0a0d0a000d0a515549540a';

t.test('header bytes', async (t) => {
  const cases = [
    {
      name: 'IPv4: PROXY over TCP4, 12 address bytes',
      client: { address: '192.0.2.1', port: 51000 },
      listener: { address: '198.51.100.7', port: 6379 },
      want: `${signature}2111000c` + 'c0000201' + 'c6336407' + 'c738' + '18eb',
    },
    {
      name: 'IPv4-mapped IPv6 (a dual-stack socket) is sent as IPv4',
      client: { address: '::ffff:10.1.2.3', port: 1 },
      listener: { address: '::ffff:10.0.0.1', port: 2 },
      want: `${signature}2111000c` + '0a010203' + '0a000001' + '0001' + '0002',
    },
    {
      name: 'IPv6: PROXY over TCP6, 36 address bytes',
      client: { address: '2001:db8::1', port: 443 },
      listener: { address: '::1', port: 80 },
      want:
        `${signature}21210024` +
        '20010db8000000000000000000000001' +
        '00000000000000000000000000000001' +
        '01bb' +
        '0050',
    },
    {
      name: 'mixed families: both as IPv6 (IPv4 mapped)',
      client: { address: '192.0.2.1', port: 3 },
      listener: { address: '::1', port: 4 },
      want:
        `${signature}21210024` +
        '00000000000000000000ffffc0000201' +
        '00000000000000000000000000000001' +
        '0003' +
        '0004',
    },
    {
      name: 'an unknown end (closed socket): LOCAL, no addresses',
      client: { address: undefined, port: undefined },
      listener: { address: '127.0.0.1', port: 5 },
      want: `${signature}20000000`,
    },
  ];
  for (const c of cases) t.equal(proxyV2Header(c.client, c.listener).toString('hex'), c.want, c.name);
});

t.test('a real nginx reads the client address from the PROXY v2 header', async (t) => {
  const nginxPort = await freePort();
  startNginx(
    t,
    () => `server {
    listen 127.0.0.1:${nginxPort} proxy_protocol;
    location / { return 200 "client=$proxy_protocol_addr:$proxy_protocol_port server=$proxy_protocol_server_port\\n"; }
  }`,
  );
  const port = await freePort();
  await startEngine(t, {
    listeners: [streamListener(port, 'nginx', { proxyProtocol: 'v2' })],
    backendGroups: [group('nginx', { port: nginxPort })],
  });
  const ask = async () => {
    const socket = connect({ port, host: '127.0.0.1' });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const localPort = socket.localPort;
    socket.write('GET / HTTP/1.0\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    return { text, localPort };
  };
  let reply = await ask();
  for (let i = 0; i < 50 && !reply.text.includes('client='); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    reply = await ask(); // nginx may still be starting
  }
  t.match(reply.text, `client=127.0.0.1:${reply.localPort} server=${port}`, 'nginx saw the real client and port');
});
