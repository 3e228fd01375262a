// ALB proxy-core for the TLS bench: one worker (in this process), two https ports (ECDSA P-256 and RSA 2048
// certificates) proxying to the bench backend, and a grpc port (port + 2, ECDSA) to the gRPC backend on
// ALB_TLS_BENCH_GRPC_PORT. Arguments: --port (ECDSA; RSA is port + 1) --backend-port, and the certificate files in
// ALB_TLS_BENCH_DIR (ec.crt, ec.key, rsa.crt, rsa.key).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataPlane, type ListenerConfig } from '@alb/proxy-core';
import { exitWith, runnerArgs } from './runner-args.ts';

const { port, backendPort } = runnerArgs(process.argv.slice(2));
const dir = process.env.ALB_TLS_BENCH_DIR!;
const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const grpcPort = Number(process.env.ALB_TLS_BENCH_GRPC_PORT);
const https = (p: number, certificate: string, protocol: 'https' | 'grpc' = 'https'): ListenerConfig => ({
  port: p,
  protocol,
  rules: [],
  defaultBackend: { backendGroup: protocol === 'grpc' ? 'grpc' : 'backend' },
  tls: { portCertificate: certificate, sni: [{ host: 'bench.example.com', certificate }] },
});
const plane = createDataPlane({ workers: 1, bind: '127.0.0.1', drainTimeoutMs: 1000 });
const result = await plane.apply({
  listeners: [https(port, 'ec'), https(port + 1, 'rsa'), https(port + 2, 'ec', 'grpc')],
  backendGroups: [
    { name: 'backend', policy: 'round-robin', endpoints: [{ address: '127.0.0.1', port: backendPort, weight: 1 }] },
    { name: 'grpc', policy: 'round-robin', endpoints: [{ address: '127.0.0.1', port: grpcPort, weight: 1 }] },
  ],
  certificates: [
    { name: 'ec', cert: read('ec.crt'), key: read('ec.key') },
    { name: 'rsa', cert: read('rsa.crt'), key: read('rsa.key') },
  ],
});
if (result.failed.length > 0 || result.issues.length > 0) {
  console.error(`alb-tls-runner: apply failed: ${JSON.stringify(result)}`);
  await plane.close(0);
  process.exit(1);
}
exitWith(() => plane.close(500));
