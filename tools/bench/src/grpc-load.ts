import * as grpc from '@grpc/grpc-js';

const raw = (b: Buffer) => b;
const echo = {
  path: '/bench.Echo/Echo',
  requestStream: false,
  responseStream: false,
  requestSerialize: raw,
  requestDeserialize: raw,
  responseSerialize: raw,
  responseDeserialize: raw,
};

/**
 * Unary gRPC calls per second through a TLS port (SNI `servername`, certificate `ca` trusted): `concurrency` calls
 * in flight on one @grpc/grpc-js channel for `durationS`; null when any call fails.
 */
export async function grpcUnaryRate(
  port: number,
  ca: Buffer,
  servername: string,
  durationS: number,
  concurrency = 50,
): Promise<number | null> {
  const Client = grpc.makeGenericClientConstructor({ echo } as unknown as grpc.ServiceDefinition, 'Echo');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(ca), {
    'grpc.ssl_target_name_override': servername,
    'grpc.default_authority': servername,
  }) as unknown as grpc.Client & { echo: (m: Buffer, cb: (e: grpc.ServiceError | null) => void) => void };
  const payload = Buffer.from('hello world');
  const until = Date.now() + durationS * 1000;
  let done = 0;
  let failed = false;
  const loop = async () => {
    while (Date.now() < until && !failed) {
      await new Promise<void>((resolve) =>
        client.echo(payload, (error) => {
          if (error) failed = true;
          else done++;
          resolve();
        }),
      );
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  client.close();
  return failed ? null : done / ((Date.now() - started) / 1000);
}
