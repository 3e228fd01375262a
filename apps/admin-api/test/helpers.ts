import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Test } from 'tap';
import { buildApp } from '../src/app.ts';
import { AuditLog } from '../src/audit-log.ts';
import { GroupAuthorizer } from '../src/auth/group-authorizer.ts';
import { parseTokenFile, StaticTokenAuthenticator } from '../src/auth/static-tokens.ts';
import { FileStore } from '../src/store/file-store.ts';

/** Tokens of the test users: an admin, a viewer, members of p1 and p2. */
export const tokens = { admin: 'admin-token', viewer: 'viewer-token', p1: 'p1-token', p2: 'p2-token' };
export const tokenFile = `${tokens.admin},admin,admin-uid,"alb:admins"
${tokens.viewer},vera,vera-uid,alb:viewers
${tokens.p1},alice,alice-uid,"alb:project:p1,developers"
${tokens.p2},bob,bob-uid,alb:project:p2
`;

export function tempDir(t: Test, prefix = 'alb-admin-api-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const albYaml = (name = 'lb', extra = '') => `# the test ALB
apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata:
  name: ${name}
  namespace: albs
spec:
  address: 192.0.2.1
  type: nginx
  config:
    projects: [ALL_ALL]
${extra}`;

export const frontendYaml = (name: string, port: number, labels = '', alb = 'lb') => `apiVersion: crd.alauda.io/v1
kind: Frontend
metadata:
  name: ${name}
  namespace: albs
  labels: { alb2.cpaas.io/name: ${alb}${labels} }
spec: { port: ${port}, protocol: http }
`;

export type TestApp = {
  app: FastifyInstance;
  dir: string;
  store: FileStore;
  /** Audit lines written so far. */
  audit: Array<Record<string, unknown>>;
  /** Moves the rate limiter's clock. */
  advance: (ms: number) => void;
};

/** The API on a file store over a fresh directory holding `files`, driven with inject(). */
export async function fileApp(
  t: Test,
  files: Record<string, string>,
  options: { rateLimit?: { perSecond: number; burst: number }; bodyLimit?: number; webDir?: string } = {},
): Promise<TestApp> {
  const dir = tempDir(t);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'warn' }, sink);
  const store = await FileStore.open(dir, 'cpaas.io', logger);
  let now = 1_000_000;
  const app = await buildApp({
    store,
    authenticator: new StaticTokenAuthenticator(parseTokenFile(tokenFile)),
    authorizer: new GroupAuthorizer(),
    logger,
    audit: new AuditLog(logger.child({ component: 'audit' }, { level: 'info' })),
    domain: 'cpaas.io',
    rateLimit: options.rateLimit ?? { perSecond: 1000, burst: 1000 },
    now: () => now,
    webDir: options.webDir ?? null,
    ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }),
  });
  t.teardown(async () => {
    await app.close();
    await store.close();
  });
  return {
    app,
    dir,
    store,
    advance: (ms) => (now += ms),
    get audit() {
      return lines.filter((l) => l.audit !== undefined);
    },
  } as TestApp;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of any shape
export type Answer = { status: number; body: any; headers: Record<string, unknown> };

/** One API call as `token` (null: none). */
export async function call(
  app: FastifyInstance,
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
): Promise<Answer> {
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(body !== undefined && { payload: body as object }),
  });
  let parsed: unknown = null;
  try {
    parsed = response.body === '' ? null : JSON.parse(response.body);
  } catch {
    parsed = response.body;
  }
  return { status: response.statusCode, body: parsed, headers: response.headers };
}

export function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A plain GET on loopback, a fresh connection each time (as curl). */
export function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
