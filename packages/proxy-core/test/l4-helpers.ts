import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Test } from 'tap';
import type { Engine, ListenerConfig, StreamConfig } from '../src/index.ts';

/** A `tcp` (or `udp`) listener sending everything to one group. */
export function streamListener(
  port: number,
  group: string | null,
  stream: StreamConfig | null = null,
  protocol: 'tcp' | 'udp' = 'tcp',
): ListenerConfig {
  return { port, protocol, rules: [], defaultBackend: group === null ? null : { backendGroup: group }, stream };
}

export type TcpBackend = { port: number; name: string; server: Server; connections: Set<Socket> };

/** A real TCP server on 127.0.0.1 running `onConnection` for each client; closed after the test. */
export async function tcpBackend(t: Test, name: string, onConnection: (socket: Socket) => void): Promise<TcpBackend> {
  const connections = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, name, server, connections };
}

/** A backend that says its name and closes. */
export const namedBackend = (t: Test, name: string) => tcpBackend(t, name, (socket) => socket.end(name));

/** A backend that echoes every byte, and passes the client's FIN back once it has echoed everything. */
export const echoBackend = (t: Test, name = 'echo') => tcpBackend(t, name, (socket) => socket.pipe(socket));

/**
 * Connects (optionally from `localAddress`), sends `data`, half-closes, and reads everything until the close.
 * `reset` says the connection ended with an error (a reset) rather than a FIN.
 */
export async function exchange(
  port: number,
  data: string | Buffer = '',
  localAddress?: string,
): Promise<{ text: string; bytes: Buffer; reset: boolean }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  let reset = false;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => (reset = true));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await once(socket, 'connect');
  socket.end(data);
  await closed;
  const bytes = Buffer.concat(chunks);
  return { text: bytes.toString(), bytes, reset };
}

/** L4 counters of one port, summed as a snapshot gives them. */
export function streamStats(engine: Engine, port: number) {
  const found = engine.stats().listeners.find((l) => l.port === port);
  if (found === undefined) throw new Error(`no stats for port ${port}`);
  return found;
}

/** Polls `check` every 20 ms, at most `timeoutMs`; true once it held. */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `size` deterministic pseudo-random bytes (a mismatch anywhere in a transfer changes the hash). */
export function pattern(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
