// Writes straight to a plain socket's handle: same bytes, same order, same backpressure and errors as `write`.
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { directWrites, lastWriteKept, writeToSocket } from '../src/proxy/socket-write.ts';
import { pausedPair, type PausedPair } from './paused-pair.ts';
import { connectedTlsPair } from './tls-fixture.ts';

/** A paused pair (see paused-pair.ts), closed when the test ends. */
async function pair(t: Test): Promise<PausedPair> {
  const p = await pausedPair();
  t.teardown(() => p.close());
  return p;
}

t.test('small writes go straight to the handle, mixed with stream writes, in order', async (t) => {
  const { sender, readAll } = await pair(t);
  const before = directWrites();
  t.equal(writeToSocket(sender, Buffer.from('one ')), true);
  t.equal(lastWriteKept(), false, 'the kernel took the bytes at once');
  sender.write('two ');
  writeToSocket(sender, Buffer.from('three'));
  t.ok(directWrites() > before, 'the direct path was taken');
  t.equal((await readAll(13)).toString(), 'one two three');
});

t.test('a write the kernel cannot take at once is kept, answers false, and drains', async (t) => {
  const { sender, readAll } = await pair(t);
  const want: Buffer[] = [];
  let writable = true;
  let i = 0;
  // Far more than a paused loopback connection buffers: some write must stay queued.
  while (writable && i < 1000) {
    const chunk = Buffer.alloc(64 * 1024, i++ % 251);
    want.push(chunk);
    writable = writeToSocket(sender, chunk);
  }
  t.equal(writable, false, 'backpressure reported');
  t.equal(lastWriteKept(), true, 'the buffer stays queued');
  // Later writes queue behind it through the stream, in order.
  const tail = Buffer.from('tail');
  want.push(tail);
  writeToSocket(sender, tail);
  const drained = once(sender, 'drain');
  const expected = Buffer.concat(want);
  const got = await readAll(expected.length);
  await drained;
  t.ok(got.equals(expected), 'every byte, in order');
});

t.test('a write to a connection the peer closed destroys the socket with the error', async (t) => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // Half-open: the peer's FIN leaves this side writable, so the failure comes from a write.
  const sender = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  const [receiver] = (await once(server, 'connection')) as [Socket];
  server.close();
  t.teardown(() => sender.destroy());
  const errored = once(sender, 'error');
  sender.resume();
  receiver.destroy();
  await once(sender, 'end');
  const before = directWrites();
  // The first write reaches the closed peer, which answers with a reset; a later one fails.
  for (let i = 0; i < 100 && !sender.destroyed; i++) {
    writeToSocket(sender, Buffer.from('x'));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  t.ok(directWrites() > before, 'the writes went straight to the handle');
  const [error] = (await errored) as [NodeJS.ErrnoException];
  t.match(error.code, /^(EPIPE|ECONNRESET)$/);
  t.equal(error.syscall, 'write');
  t.equal(sender.destroyed, true);
});

t.test('TLS sockets and ended sockets go through the stream', async (t) => {
  const { client, accepted } = await connectedTlsPair(t);
  const before = directWrites();
  writeToSocket(client, Buffer.from('secret'));
  t.equal(directWrites(), before, 'no direct write on TLS');
  const [got] = (await once(accepted, 'data')) as [Buffer];
  t.equal(got.toString(), 'secret');

  const { sender, readAll } = await pair(t);
  sender.end();
  const ended = directWrites();
  writeToSocket(sender, Buffer.from('late'));
  t.equal(directWrites(), ended, 'no direct write after end');
  await once(sender, 'error').catch(() => undefined);
  t.equal((await Promise.race([readAll(1), new Promise((r) => setTimeout(() => r('none'), 100))])) as string, 'none');
});
