// The gRPC backend of the TLS bench: @grpc/grpc-js, plaintext (h2c), one unary method answering its request bytes.
import * as grpc from '@grpc/grpc-js';

const port = Number(process.argv[2]);
const raw = (b: Buffer) => b;
const server = new grpc.Server();
server.addService(
  {
    echo: {
      path: '/bench.Echo/Echo',
      requestStream: false,
      responseStream: false,
      requestSerialize: raw,
      requestDeserialize: raw,
      responseSerialize: raw,
      responseDeserialize: raw,
    },
  } as unknown as grpc.ServiceDefinition,
  { echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => done(null, call.request) },
);
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) {
    console.error(`grpc-echo-backend: ${error.message}`);
    process.exit(1);
  }
});
process.on('SIGTERM', () => server.forceShutdown());
