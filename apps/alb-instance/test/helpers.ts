import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

const mainSource = new URL('../src/main.ts', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A temp directory removed after the test. */
export function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'alb-instance-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A backend answering `<name>: <method> <url>`, or running `handler`. */
export async function echoBackend(
  t: Test,
  name: string,
  handler?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    if (handler !== undefined) return handler(req, res);
    req.resume();
    req.on('end', () => res.end(`${name}: ${req.method} ${req.url}`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, server };
}

export type RunningInstance = {
  child: ChildProcess;
  opsPort: number;
  logs: () => Array<Record<string, unknown>>;
  stderr: () => string;
  /** Waits until a log line satisfies `test`. */
  waitForLog: (
    test: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ) => Promise<Record<string, unknown>>;
  /** Resolves with the exit code (null when a signal ended the process) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

export type RunOptions = {
  /** Resolve once /readyz answers 200 (default), or as soon as the ops port answers at all. */
  waitReady?: boolean;
  /** Skip every wait: resolve once the process is spawned. */
  waitNothing?: boolean;
  opsPort?: number;
  /** Run as this user (and group), e.g. to make file permissions bite when the tests run as root. */
  uid?: number;
  /** Node options before the script (e.g. --expose-gc). */
  nodeArgs?: string[];
};

/** Runs the real command line (from source) on a directory; resolves once /readyz says ready. */
export async function runInstance(
  t: Test,
  dir: string,
  extra: string[] = [],
  options: RunOptions = {},
): Promise<RunningInstance> {
  const opsPort = options.opsPort ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--conditions=@alb/source',
      mainSource,
      '--source',
      'file',
      '--dir',
      dir,
      '--workers',
      '1',
      '--ops-port',
      String(opsPort),
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    },
  );
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ raw: line });
      }
      for (const wake of waiters.splice(0)) wake();
    }
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  // 'close', not 'exit': every line it wrote has been read by then.
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const instance: RunningInstance = {
    child,
    opsPort,
    logs: () => lines,
    stderr: () => stderr,
    async waitForLog(test, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(test);
        if (found !== undefined) return found;
        if (Date.now() > until)
          throw new Error(`log line not found; got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n${stderr}`);
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          new Promise((r) => setTimeout(r, 100)),
        ]);
      }
    },
    exited,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return (await exited).code;
    },
  };
  if (options.waitNothing === true) return instance;
  const waitReady = options.waitReady ?? true;
  for (let i = 0; ; i++) {
    const answered = await get(opsPort, '/readyz').then(
      (r) => (waitReady ? r.status === 200 : true),
      () => false,
    );
    if (answered) break;
    if (child.exitCode !== null || child.signalCode !== null || i > 400)
      throw new Error(
        `instance did not become ${waitReady ? 'ready' : 'reachable'} (exit ${child.exitCode ?? child.signalCode}):\n${stderr}\n${lines.map((l) => JSON.stringify(l)).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
  return instance;
}

export type Reply = { status: number; headers: IncomingMessage['headers']; body: string };

export function get(
  port: number,
  path: string,
  options: { headers?: Record<string, string>; method?: string; agent?: Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** `promise`'s value, or `timedOut` after `ms` (the timer does not keep the test process alive). */
export async function within<T, U>(promise: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<U>((resolve) => (timer = setTimeout(() => resolve(timedOut), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `check` passes (file changes are applied asynchronously). */
export async function eventually<T>(
  check: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (accept(value)) return value;
    if (Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Manifests for tests: an ALB2, a Frontend on `port`, Services with EndpointSlices to local ports. */
export const manifests = {
  /** An ALB2 that serves Ingresses of its class on `httpPort` (no https port). */
  albServingIngress: (httpPort: number) => `apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: test, namespace: kube-system }
spec:
  type: nginx
  config: { projects: [ALL_ALL], ingressHTTPPort: ${httpPort}, ingressHTTPSPort: 0 }
`,
  alb: (name = 'test') => `apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: ${name}, namespace: kube-system }
spec: { type: nginx }
`,
  frontend: (port: number, defaultService?: string, alb = 'test') => `apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: ${alb}-${String(port).padStart(5, '0')}, namespace: kube-system, labels: { alb2.cpaas.io/name: ${alb} } }
spec:
  port: ${port}
  protocol: http
${defaultService === undefined ? '' : `  serviceGroup: { services: [{ name: ${defaultService}, namespace: default, port: 80, weight: 100 }] }\n`}`,
  rule: (
    name: string,
    frontendPort: number,
    prefix: string,
    service: string,
    extra = '',
    alb = 'test',
  ) => `apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: ${name}, namespace: kube-system, labels: { alb2.cpaas.io/name: ${alb}, alb2.cpaas.io/frontend: ${alb}-${String(frontendPort).padStart(5, '0')} } }
spec:
  priority: 5
  dslx: [{ type: URL, values: [[PATH_PREFIX, ${prefix}]] }]
  serviceGroup: { services: [{ name: ${service}, namespace: default, port: 80, weight: 100 }] }
${extra}`,
  service: (name: string, backendPort: number) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: { ports: [{ port: 80, targetPort: ${backendPort} }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${name}-1, namespace: default, labels: { kubernetes.io/service-name: ${name} } }
addressType: IPv4
ports: [{ port: ${backendPort} }]
endpoints: [{ addresses: [127.0.0.1] }]
`,
};

export function write(dir: string, file: string, ...docs: string[]): void {
  writeFileSync(join(dir, file), docs.join('---\n'));
}
