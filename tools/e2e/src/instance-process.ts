import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

const main = new URL('../../../apps/alb-instance/src/main.ts', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type InstanceProcess = {
  child: ChildProcess;
  opsPort: number;
  output: () => string;
  stop(): Promise<number | null>;
};

/** Runs alb-instance (from source, as the real command line) and waits until it is ready. */
export async function startInstance(args: string[], teardown: (fn: () => unknown) => void): Promise<InstanceProcess> {
  const opsPort = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=@alb/source', main, '--workers', '1', '--ops-port', String(opsPort), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  for (let i = 0; ; i++) {
    const status = await httpGet(opsPort, '/readyz').then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (child.exitCode !== null || i > 600) throw new Error(`alb-instance not ready:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    opsPort,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export type Reply = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

export function httpGet(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; host?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Polls until `accept` holds (changes reach the instance through watches, asynchronously). */
export async function eventually<T>(
  check: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch((e: Error) => e as unknown as T);
    if (accept(value)) return value;
    if (Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
