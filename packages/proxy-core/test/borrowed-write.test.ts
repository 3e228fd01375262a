// Bytes from a shared read buffer go out through one reused scratch buffer; a write the stream had to queue must
// keep its bytes even though the source and the next write's scratch are overwritten right after.
import t from 'tap';
import { headBuilder } from '../src/http/head-builder.ts';
import { scratchReplacements, writeBorrowed, writeHead } from '../src/proxy/borrowed-write.ts';
import { pausedPair } from './paused-pair.ts';
import { connectedTlsPair } from './tls-fixture.ts';

t.test('writes queued behind a full socket keep their bytes while the source is reused', async (t) => {
  const pair = await pausedPair();
  t.teardown(() => pair.close());
  const source = Buffer.alloc(60 * 1024);
  const want: Buffer[] = [];
  let queued = 0;
  // Far more than the kernel buffers of a paused loopback connection hold: later writes must queue in node.
  for (let i = 0; i < 200; i++) {
    source.fill(i % 251);
    const size = 1000 + ((i * 7919) % (source.length - 1000));
    want.push(Buffer.from(source.subarray(0, size)));
    if (i % 2 === 0) writeBorrowed(pair.sender, source, 0, size);
    else writeHead(pair.sender, headBuilder, source, 0, size);
    if (pair.sender.writableLength > 0) queued++;
  }
  t.ok(queued > 0, `some writes were queued (${queued})`);
  const expected = Buffer.concat(want);
  const got = await pair.readAll(expected.length);
  t.equal(got.length, expected.length, 'every byte arrived');
  t.ok(got.equals(expected), 'in order and unchanged by later reuse of the source and the scratch');
});

t.test('a head with a tail larger than the scratch is written whole', async (t) => {
  const pair = await pausedPair();
  t.teardown(() => pair.close());
  const tail = Buffer.alloc(200 * 1024, 'y');
  headBuilder.text('HTTP/1.1 200 OK\r\n\r\n');
  writeHead(pair.sender, headBuilder, tail, 0, tail.length);
  const got = await pair.readAll(19 + tail.length);
  t.equal(got.toString('latin1', 0, 19), 'HTTP/1.1 200 OK\r\n\r\n');
  t.ok(got.subarray(19).equals(tail));
});

// Regression: TLS writes always complete later, so a TLS socket kept the whole scratch on every write (a 72 KiB
// allocation per response over HTTPS). TLS sockets get exact copies; the scratch stays for plain sockets.
t.test('writes to a TLS socket never take the scratch away, and arrive intact', async (t) => {
  const { client, accepted } = await connectedTlsPair(t);
  const before = scratchReplacements();
  const source = Buffer.alloc(300);
  const want: Buffer[] = [];
  for (let i = 0; i < 50; i++) {
    source.fill(65 + (i % 26));
    want.push(Buffer.from(source));
    if (i % 2 === 0) writeBorrowed(accepted, source, 0, source.length);
    else writeHead(accepted, headBuilder, source, 0, source.length);
    await new Promise((resolve) => setImmediate(resolve)); // let each write complete, as between responses
  }
  t.equal(scratchReplacements(), before, 'no scratch given to a TLS socket');
  const expected = Buffer.concat(want);
  const chunks: Buffer[] = [];
  let got = 0;
  await new Promise<void>((resolve) =>
    client.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= expected.length) resolve();
    }),
  );
  t.ok(Buffer.concat(chunks).equals(expected));
});
