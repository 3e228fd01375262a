// gRPC through a `grpc` port, with @grpc/grpc-js as client and server (neither of them ours): unary, server
// streaming, bidirectional streaming, status codes and trailers passed through, deadlines, and the statuses the
// proxy makes itself (no endpoint, refused upstream, no rule).
import t, { type Test } from 'tap';
import * as grpc from '@grpc/grpc-js';
import { freePort, group, listener, prefixRule, startEngine } from './helpers.ts';
import { makeCertificate } from './tls-certificates.ts';

const cert = makeCertificate(['grpc.example.com']);
const raw = (b: Buffer) => b;
const method = (path: string, requestStream: boolean, responseStream: boolean) => ({
  path,
  requestStream,
  responseStream,
  requestSerialize: raw,
  requestDeserialize: raw,
  responseSerialize: raw,
  responseDeserialize: raw,
});
const service = {
  unary: method('/test.Echo/Unary', false, false),
  list: method('/test.Echo/List', false, true),
  chat: method('/test.Echo/Chat', true, true),
  fail: method('/test.Echo/Fail', false, false),
  slow: method('/test.Echo/Slow', false, false),
};

async function grpcBackend(t: Test): Promise<number> {
  const server = new grpc.Server();
  server.addService(service as unknown as grpc.ServiceDefinition, {
    unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
      const md = new grpc.Metadata();
      md.set('x-seen-authority', String(call.metadata.get('x-forwarded-proto')[0] ?? ''));
      call.sendMetadata(md);
      done(null, Buffer.concat([Buffer.from('echo:'), call.request]));
    },
    list: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      for (let i = 0; i < 5; i++) call.write(Buffer.from(`item ${i}`));
      call.end();
    },
    chat: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      call.on('data', (m: Buffer) => call.write(Buffer.concat([Buffer.from('re:'), m])));
      call.on('end', () => call.end());
    },
    fail: (_call: unknown, done: grpc.sendUnaryData<Buffer>) => {
      const md = new grpc.Metadata();
      md.set('x-why', 'because');
      done({ code: grpc.status.FAILED_PRECONDITION, details: 'not today', metadata: md });
    },
    slow: (_call: unknown, done: grpc.sendUnaryData<Buffer>) => {
      setTimeout(() => done(null, Buffer.from('late')), 2000).unref();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  t.teardown(() => server.forceShutdown());
  return port;
}

async function proxy(t: Test, backendPort: number | null, rules = [prefixRule('all', '/test.Echo/', 'g')]) {
  const port = await freePort();
  const endpoints = backendPort === null ? [] : [{ port: backendPort }];
  await startEngine(t, {
    listeners: [
      listener(port, rules, null, {
        protocol: 'grpc',
        tls: { portCertificate: 'c', sni: [{ host: 'grpc.example.com', certificate: 'c' }] },
      }),
    ],
    backendGroups: [group('g', ...endpoints)],
    certificates: [{ name: 'c', ...cert }],
  });
  const Client = grpc.makeGenericClientConstructor(service as unknown as grpc.ServiceDefinition, 'Echo');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(cert.cert)), {
    'grpc.ssl_target_name_override': 'grpc.example.com',
    'grpc.default_authority': 'grpc.example.com',
  }) as unknown as Record<string, (...args: unknown[]) => unknown> & grpc.Client;
  t.teardown(() => client.close());
  return client;
}

function unary(
  client: Record<string, (...a: unknown[]) => unknown>,
  name: string,
  body: string,
  options: grpc.CallOptions = {},
) {
  return new Promise<{ error: grpc.ServiceError | null; value: string | null; headers: grpc.Metadata | null }>(
    (resolve) => {
      let headers: grpc.Metadata | null = null;
      const call = client[name]!(
        Buffer.from(body),
        new grpc.Metadata(),
        options,
        (error: grpc.ServiceError | null, value?: Buffer) =>
          resolve({ error, value: value?.toString() ?? null, headers }),
      ) as grpc.ClientUnaryCall;
      call.on('metadata', (md: grpc.Metadata) => (headers = md));
    },
  );
}

t.test('unary, server streaming and bidi calls go through, with metadata and trailers', async (t) => {
  const client = await proxy(t, await grpcBackend(t));
  const one = await unary(client, 'unary', 'hi');
  t.equal(one.error, null);
  t.equal(one.value, 'echo:hi');
  t.equal(one.headers?.get('x-seen-authority')[0], 'https', 'request metadata reached the server (x-forwarded-proto)');

  const items: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = client.list!(Buffer.from('')) as grpc.ClientReadableStream<Buffer>;
    call.on('data', (m: Buffer) => items.push(m.toString()));
    call.on('error', reject);
    call.on('end', () => resolve());
  });
  t.same(items, ['item 0', 'item 1', 'item 2', 'item 3', 'item 4'], 'server streaming');

  const replies: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = client.chat!() as grpc.ClientDuplexStream<Buffer, Buffer>;
    call.on('data', (m: Buffer) => {
      replies.push(m.toString());
      if (replies.length < 3) call.write(Buffer.from(`m${replies.length}`));
      else call.end();
    });
    call.on('error', reject);
    call.on('end', () => resolve());
    call.write(Buffer.from('m0'));
  });
  t.same(replies, ['re:m0', 're:m1', 're:m2'], 'bidi streaming, turn by turn');

  const failed = await unary(client, 'fail', 'x');
  t.equal(failed.error?.code, grpc.status.FAILED_PRECONDITION, "the server's status is passed through");
  t.equal(failed.error?.details, 'not today');
  t.equal(failed.error?.metadata.get('x-why')[0], 'because', 'trailers-only metadata passed through');
});

t.test('the statuses the proxy makes itself', async (t) => {
  const backend = await grpcBackend(t);
  const slow = await unary(await proxy(t, backend), 'slow', 'x', { deadline: Date.now() + 300 });
  t.equal(slow.error?.code, grpc.status.DEADLINE_EXCEEDED, 'a deadline is honoured');
  const timed = await proxy(t, backend, [prefixRule('all', '/test.Echo/', 'g', { timeouts: { readMs: 300 } })]);
  const proxyDeadline = await unary(timed, 'slow', 'x');
  t.equal(proxyDeadline.error?.code, grpc.status.DEADLINE_EXCEEDED, "the route's read timeout: DEADLINE_EXCEEDED");
  t.match(proxyDeadline.error?.details, /deadline exceeded at the proxy/, 'made by the proxy (no client deadline)');

  const noEndpoint = await unary(await proxy(t, null), 'unary', 'x');
  t.equal(noEndpoint.error?.code, grpc.status.UNAVAILABLE, 'no endpoint: UNAVAILABLE, not an HTTP 500');

  const refused = await unary(await proxy(t, await freePort()), 'unary', 'x');
  t.equal(refused.error?.code, grpc.status.UNAVAILABLE, 'a refused upstream: UNAVAILABLE, not an HTTP 502');

  const noRule = await unary(await proxy(t, backend, [prefixRule('other', '/other.Service/', 'g')]), 'unary', 'x');
  t.equal(noRule.error?.code, grpc.status.UNIMPLEMENTED, 'no rule matches: UNIMPLEMENTED, not an HTTP 404');
});
