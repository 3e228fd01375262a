// `npm run bench:tls`: ALB's https listener against nginx in the same run, one backend (nginx), wrk as the client:
// HTTPS keep-alive req/s (ECDSA P-256), new TLS handshakes per second (ECDSA P-256 and RSA 2048: one request per
// connection), HTTP/2 req/s with h2load when installed, gRPC unary calls/s (grpc-js client; nginx grpc_pass), and
// resident memory per idle TLS connection. Rounds
// alternate the proxies; medians and ALB/nginx ratios are printed. Options: --rounds N (3), --duration S (5).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { ensureTools, findProgram } from './ensure-tools.ts';
import { freePort } from './free-port.ts';
import { grpcUnaryRate } from './grpc-load.ts';
import { ProcessSet, type Managed } from './process-set.ts';
import { startBackend, type BenchContext } from './proxies.ts';
import { groupRssKiB } from './rss.ts';
import { runWrk } from './run-wrk.ts';
import { median, ratio } from './stats.ts';
import { bodies } from './workload.ts';

const log = (line: string) => process.stderr.write(`[bench:tls] ${line}\n`);
const { values } = parseArgs({ options: { rounds: { type: 'string' }, duration: { type: 'string' } } });
const rounds = Number(values.rounds ?? 3);
const durationS = Number(values.duration ?? 5);
const idleConnections = 500;
const processes = new ProcessSet();
const dir = mkdtempSync(join(tmpdir(), 'alb-tls-bench-'));
// nginx workers run as nobody when started by root: they must reach the backend's files.
chmodSync(dir, 0o755);
process.on('exit', () => processes.killAllSync());

function certificates(): void {
  const make = (name: string, keyArgs: string[]) =>
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', ...keyArgs, '-nodes', '-days', '2', '-subj', '/CN=bench.example.com'],
        ...['-addext', 'subjectAltName=DNS:bench.example.com'],
        ...['-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`)],
      ],
      { stdio: 'ignore' },
    );
  make('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
  make('rsa', ['-newkey', 'rsa:2048']);
}

/** nginx as the reference: one worker, the same two certificates, TLS 1.2/1.3, keep-alive upstream. */
function startNginx(ctx: BenchContext, port: number, backendPort: number, grpcPort: number): Managed {
  const ndir = join(dir, 'nginx-tls');
  mkdirSync(ndir, { recursive: true });
  const server = (p: number, name: string) => `
    server {
      listen 127.0.0.1:${p} ssl http2;
      ssl_certificate ${join(dir, `${name}.crt`)}; ssl_certificate_key ${join(dir, `${name}.key`)};
      ssl_protocols TLSv1.2 TLSv1.3;
      ssl_session_cache off; ssl_session_tickets off;
      location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }`;
  writeFileSync(
    join(ndir, 'nginx.conf'),
    `worker_processes 1; pid ${ndir}/nginx.pid; daemon off; error_log ${ndir}/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${ndir}/body; proxy_temp_path ${ndir}/proxy; fastcgi_temp_path ${ndir}/fcgi;
  uwsgi_temp_path ${ndir}/uwsgi; scgi_temp_path ${ndir}/scgi;
  upstream backend { server 127.0.0.1:${backendPort}; keepalive 128; }
  ${server(port, 'ec')}
  ${server(port + 1, 'rsa')}
  server {
    listen 127.0.0.1:${port + 2} ssl http2;
    ssl_certificate ${join(dir, 'ec.crt')}; ssl_certificate_key ${join(dir, 'ec.key')};
    location / { grpc_pass grpc://127.0.0.1:${grpcPort}; }
  }
}
`,
  );
  return processes.start('nginx-tls', ctx.tools.nginx, ['-p', `${ndir}/`, '-c', join(ndir, 'nginx.conf')]);
}

/** The first of `count` consecutive free loopback ports. */
async function freePortBlock(count: number): Promise<number> {
  for (;;) {
    const first = await freePort();
    let free = true;
    for (let p = first + 1; p < first + count && free; p++) free = await canListen(p);
    if (free) return first;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitForHttps(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('curl', [
        '-sk',
        '--max-time',
        '2',
        '-o',
        '/dev/null',
        '--resolve',
        `bench.example.com:${port}:127.0.0.1`,
        `https://bench.example.com:${port}${bodies[0]!.path}`,
      ]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`port ${port} does not answer https`);
}

/** RSS growth (KiB per connection) of a proxy's process group while it holds `idleConnections` idle TLS connections. */
async function idleMemory(managed: Managed, port: number): Promise<number> {
  const before = groupRssKiB(managed.pid);
  const sockets: TLSSocket[] = [];
  for (let i = 0; i < idleConnections; i++) {
    const socket = connect({ host: '127.0.0.1', port, servername: 'bench.example.com', rejectUnauthorized: false });
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()).once('error', () => resolve()));
    sockets.push(socket);
  }
  await new Promise((r) => setTimeout(r, 500));
  const after = groupRssKiB(managed.pid);
  for (const socket of sockets) socket.destroy();
  return (after - before) / idleConnections;
}

/** h2load (Debian's nghttp2-client): installed with apt-get when missing and running as root; else not measured. */
function ensureH2load(): boolean {
  if (findProgram('h2load') !== null) return true;
  if (process.getuid?.() !== 0 || findProgram('apt-get') === null) return false;
  log('installing nghttp2-client for h2load (apt-get install -y nghttp2-client)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', 'nghttp2-client'],
  ])
    spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  return findProgram('h2load') !== null;
}

function h2load(port: number): number | null {
  try {
    const out = execFileSync(
      'h2load',
      ['-n', '20000', '-c', '10', '-m', '100', `https://127.0.0.1:${port}${bodies[0]!.path}`],
      { encoding: 'utf8', timeout: 120_000 },
    );
    const m = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out);
    return m === null ? null : Number(m[1]);
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const tools = ensureTools(log);
  certificates();
  const ctx: BenchContext = { dir, tools, processes, pin: false, node: process.execPath };
  const backend = await startBackend(ctx);
  const albPort = await freePortBlock(3);
  // Each proxy listens on three consecutive ports (ECDSA, RSA, gRPC); the gRPC backend takes another.
  let nginxPort = await freePortBlock(3);
  while (Math.abs(nginxPort - albPort) <= 2) nginxPort = await freePortBlock(3);
  let grpcBackendPort = await freePort();
  const taken = (p: number) => (p >= albPort && p <= albPort + 2) || (p >= nginxPort && p <= nginxPort + 2);
  while (taken(grpcBackendPort)) grpcBackendPort = await freePort();
  processes.start('grpc-backend', process.execPath, [
    fileURLToPath(new URL('./runners/grpc-echo-backend.ts', import.meta.url)),
    String(grpcBackendPort),
  ]);
  process.env.ALB_TLS_BENCH_GRPC_PORT = String(grpcBackendPort);
  const runner = fileURLToPath(new URL('./runners/alb-tls-runner.ts', import.meta.url));
  process.env.ALB_TLS_BENCH_DIR = dir;
  const proxies = {
    alb: {
      port: albPort,
      managed: processes.start(
        'alb',
        process.execPath,
        ['--conditions=@alb/source', runner, '--port', String(albPort), '--backend-port', String(backend.port)],
        { ipc: true },
      ),
    },
    nginx: { port: nginxPort, managed: startNginx(ctx, nginxPort, backend.port, grpcBackendPort) },
  };
  for (const p of Object.values(proxies)) {
    try {
      await waitForHttps(p.port);
    } catch (error) {
      throw new Error(`${(error as Error).message}; its output:\n${p.managed.output()}`);
    }
  }
  const hasH2load = ensureH2load();

  type Metric =
    | 'gRPC unary calls/s (grpc-js, 50 in flight)'
    | 'https keep-alive req/s (ECDSA P-256)'
    | 'new handshakes/s (ECDSA P-256)'
    | 'new handshakes/s (RSA 2048)'
    | 'HTTP/2 req/s (h2load, 100 streams)';
  const results = new Map<string, number[]>();
  const record = (metric: Metric, proxy: string, value: number | null) => {
    if (value === null) return;
    const key = `${metric}|${proxy}`;
    results.set(key, [...(results.get(key) ?? []), value]);
  };
  const names = ['alb', 'nginx'] as const;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : ([...names].reverse() as unknown as typeof names);
    for (const name of order) {
      const { port } = proxies[name];
      const url = (p: number) => `https://127.0.0.1:${p}${bodies[0]!.path}`;
      log(`round ${round + 1}/${rounds}: ${name}`);
      const ka = await runWrk(processes, { wrk: tools.wrk, url: url(port), durationS, connections: 50, pin: null });
      record('https keep-alive req/s (ECDSA P-256)', name, ka.requestsPerSec);
      const hsArgs = { wrk: tools.wrk, durationS, connections: 20, pin: null, headers: ['Connection: close'] };
      record(
        'new handshakes/s (ECDSA P-256)',
        name,
        (await runWrk(processes, { ...hsArgs, url: url(port) })).requestsPerSec,
      );
      record(
        'new handshakes/s (RSA 2048)',
        name,
        (await runWrk(processes, { ...hsArgs, url: url(port + 1) })).requestsPerSec,
      );
      if (hasH2load) record('HTTP/2 req/s (h2load, 100 streams)', name, h2load(port));
      const ca = readFileSync(join(dir, 'ec.crt'));
      record(
        'gRPC unary calls/s (grpc-js, 50 in flight)',
        name,
        await grpcUnaryRate(port + 2, ca, 'bench.example.com', durationS),
      );
    }
  }
  const memory = {
    alb: await idleMemory(proxies.alb.managed, albPort),
    nginx: await idleMemory(proxies.nginx.managed, nginxPort),
  };

  const lines = [
    `TLS bench: ${rounds} rounds x ${durationS} s, wrk -t1 (keep-alive: 50 connections; handshakes: 20, Connection: close), medians`,
    '',
    '| metric | ALB | nginx | ALB / nginx |',
    '|---|---|---|---|',
  ];
  const metrics: Metric[] = [
    'https keep-alive req/s (ECDSA P-256)',
    'new handshakes/s (ECDSA P-256)',
    'new handshakes/s (RSA 2048)',
    'HTTP/2 req/s (h2load, 100 streams)',
    'gRPC unary calls/s (grpc-js, 50 in flight)',
  ];
  for (const metric of metrics) {
    const alb = median(results.get(`${metric}|alb`) ?? []);
    const nginx = median(results.get(`${metric}|nginx`) ?? []);
    if (Number.isNaN(alb) || Number.isNaN(nginx)) {
      lines.push(
        `| ${metric} | not measured | not measured | ${metric.startsWith('gRPC') ? 'a call failed' : hasH2load ? 'h2load failed' : 'h2load not installed (apt-get install nghttp2-client)'} |`,
      );
      continue;
    }
    const r = ratio(alb, nginx);
    lines.push(`| ${metric} | ${Math.round(alb)} | ${Math.round(nginx)} | ${r === null ? '-' : r.toFixed(2)} |`);
  }
  // Growth below half a KiB per connection is within RSS noise (nginx allocates little for an idle TLS connection).
  const mr = memory.nginx < 0.5 ? null : ratio(memory.alb, memory.nginx);
  lines.push(
    `| memory per idle TLS connection (KiB, ${idleConnections} connections) | ${memory.alb.toFixed(1)} | ${memory.nginx.toFixed(1)} | ${mr === null ? '-' : mr.toFixed(2)} |`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  await processes.stopAll();
  rmSync(dir, { recursive: true, force: true });
}
