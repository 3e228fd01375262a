import { once } from 'node:events';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type Agent,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { RequestView } from '@alb/dslx';
import type { Test } from 'tap';
import type { RequestContext } from '../src/actions/request-context.ts';
import { defaultLimits } from '../src/http/limits.ts';
import { parseRequestHead } from '../src/http/request-head.ts';
import {
  Engine,
  type DataPlaneConfig,
  type EngineOptions,
  type ListenerConfig,
  type RuleConfig,
} from '../src/index.ts';

/** What an echo backend saw of one request. */
export type Seen = {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
  httpVersion: string;
};

export type Backend = { port: number; name: string; seen: Seen[]; server: Server; close(): Promise<void> };

/**
 * A real HTTP backend (node:http) that answers with JSON describing the request it received, or runs `handler`.
 */
export async function startBackend(
  t: Test,
  name: string,
  handler?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<Backend> {
  const seen: Seen[] = [];
  const server = createHttpServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: body.toString(),
        httpVersion: req.httpVersion,
      });
      if (handler !== undefined) {
        handler(req, res, body);
        return;
      }
      const payload = JSON.stringify({
        backend: name,
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: body.toString(),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
      res.end(payload);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const backend: Backend = {
    port,
    name,
    seen,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  t.teardown(() => backend.close());
  return backend;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An engine bound to 127.0.0.1, closed after the test. */
export async function startEngine(t: Test, config: DataPlaneConfig, options: EngineOptions = {}): Promise<Engine> {
  const engine = new Engine({ bind: '127.0.0.1', drainTimeoutMs: 2000, ...options });
  const result = await engine.apply(config);
  if (result.failed.length > 0) throw new Error(`listen failed: ${JSON.stringify(result.failed)}`);
  t.teardown(() => engine.close(500));
  return engine;
}

/** A listener config with sensible defaults. */
export function listener(
  port: number,
  rules: RuleConfig[],
  defaultGroup: string | null = null,
  extra: Partial<ListenerConfig> = {},
): ListenerConfig {
  return {
    port,
    protocol: 'http',
    rules,
    defaultBackend: defaultGroup === null ? null : { backendGroup: defaultGroup },
    ...extra,
  };
}

/** A rule routing a path prefix to a group. */
export function prefixRule(
  name: string,
  prefix: string,
  group: string | null,
  extra: Partial<RuleConfig> = {},
): RuleConfig {
  return {
    name,
    priority: 5,
    dslx: [{ type: 'URL', values: [['STARTS_WITH', prefix]] }],
    backendGroup: group,
    ...extra,
  };
}

export function group(
  name: string,
  ...backends: Array<{ port: number; weight?: number }>
): DataPlaneConfig['backendGroups'][number] {
  return {
    name,
    policy: 'round-robin',
    endpoints: backends.map((b) => ({ address: '127.0.0.1', port: b.port, weight: b.weight ?? 100 })),
  };
}

export type Reply = { status: number; headers: IncomingMessage['headers']; body: string };

/** One request through node:http (a fresh connection each time unless an agent is given). */
export function get(
  port: number,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    agent?: Agent;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Sends raw bytes and collects everything the proxy sends back until it closes the connection or stays quiet for
 * `quietMs`. Returns the text and whether the proxy closed the connection.
 */
export function raw(port: number, data: string | Buffer, quietMs = 300): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    socket.on('connect', () => {
      socket.write(data);
      arm();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arm();
    });
    socket.on('end', () => finish(true));
    socket.on('error', (e) => (chunks.length > 0 ? finish(true) : reject(e)));
  });
}

/** Splits raw response text into responses (status line + headers + body by Content-Length or chunked). */
export function statusLines(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}

/** What a raw backend received on one connection, and the requests it read from those bytes. */
export type RawBackend = {
  port: number;
  /** Every byte each connection received, in order (one string per connection, latin1). */
  received: string[];
  /** Request heads as the backend read them (framed by Content-Length or chunked, like a server would). */
  heads: string[];
  close(): Promise<void>;
};

/**
 * A backend on a plain TCP socket: it records exactly the bytes it receives and splits them into requests the way
 * an HTTP/1.1 server does (a head, then a Content-Length or chunked body), answering each with `respond(head,
 * body)`: raw response text, or null to close the connection without answering. The default answer is 200 with
 * the request line as its body.
 */
export async function startRawBackend(
  t: Test,
  respond: (head: string, body: string) => string | null = (head) => {
    const line = head.slice(0, head.indexOf('\r\n'));
    return `HTTP/1.1 200 OK\r\nContent-Length: ${line.length}\r\n\r\n${line}`;
  },
): Promise<RawBackend> {
  const received: string[] = [];
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const index = received.push('') - 1;
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      received[index] += text;
      pending += text;
      for (;;) {
        const message = takeMessage(pending);
        if (message === null) return;
        pending = pending.slice(message.length);
        heads.push(message.head);
        const answer = respond(message.head, message.body);
        if (answer === null) {
          socket.destroy();
          return;
        }
        socket.write(answer, 'latin1');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const backend: RawBackend = {
    port: (server.address() as AddressInfo).port,
    received,
    heads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  t.teardown(() => backend.close());
  return backend;
}

/** One complete request at the start of `text` (head, body and its length in characters), or null. */
function takeMessage(text: string): { head: string; body: string; length: number } | null {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const head = text.slice(0, end);
  let at = end + 4;
  const length = /^content-length:\s*(\d+)\s*$/im.exec(head);
  if (length !== null) {
    const n = Number(length[1]);
    if (text.length < at + n) return null;
    return { head, body: text.slice(at, at + n), length: at + n };
  }
  if (!/^transfer-encoding:\s*chunked\s*$/im.test(head)) return { head, body: '', length: at };
  let body = '';
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return null;
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (size === 0) {
      const trailerEnd = text.indexOf('\r\n', lineEnd + 2);
      return trailerEnd === -1 ? null : { head, body, length: trailerEnd + 2 };
    }
    if (text.length < lineEnd + 2 + size + 2) return null;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/** The context actions read for a raw request head (parsed by the strict parser), as a connection builds it. */
export function requestContext(request: string, clientIp = '10.0.0.1', port = 8080): RequestContext {
  const buf = Buffer.from(request, 'latin1');
  const head = parseRequestHead(buf, buf.indexOf('\r\n\r\n'), defaultLimits);
  if ('status' in head) throw new Error(head.reason);
  const view = new RequestView({
    method: head.method,
    url: head.target,
    headers: head.headers,
    remoteAddress: clientIp,
  });
  return { head, view, clientIp, scheme: 'http', port };
}
