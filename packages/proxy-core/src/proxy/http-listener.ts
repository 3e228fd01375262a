import { createServer, Socket, type Server, type SocketConstructorOpts } from 'node:net';
import type { ListenerStats } from '../metrics.ts';
import { Http1Connection } from './http1-connection.ts';
import { acceptHook, listenServer, type ClientHandle } from './listen-server.ts';
import type { EngineSettings, ListenerContext } from './listener-context.ts';
import type { PortListener } from './port-listener.ts';
import type { HttpPortState } from './port-state.ts';

/**
 * Plain client connections read into this one buffer (`onread`): no Buffer is allocated per read and no stream
 * machinery runs per chunk. A connection handles the bytes synchronously and copies only what it keeps (a partial
 * head, pipelined requests, body bytes it cannot send yet), so one buffer serves every client connection.
 */
const sharedClientReadBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * One HTTP/1.1 port: its server socket, its live connections and its swappable state. Plain TCP connections are
 * read with `onread` into a shared buffer; stream sockets (TLS, which cannot read into a caller's buffer) are
 * handed over with `adopt` and go through the same `Http1Connection`.
 */
export class HttpListener implements PortListener<HttpPortState>, ListenerContext {
  readonly port: number;
  readonly protocol = 'http' as const;
  readonly stats: ListenerStats;
  readonly settings: EngineSettings;
  state: HttpPortState;
  draining = false;
  /** Whether accepted connections read into the shared buffer (false: node's stream path, the fallback). */
  sharedBufferReads = false;
  readonly connections = new Set<Http1Connection>();
  private readonly server: Server;

  constructor(port: number, stats: ListenerStats, settings: EngineSettings, state: HttpPortState) {
    this.port = port;
    this.stats = stats;
    this.settings = settings;
    this.state = state;
    // Half-open: a client may send its request and FIN, and still read the response. This callback only runs on
    // the fallback path (when node's server handle cannot be hooked, see listen).
    this.server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
      if (this.draining) socket.destroy();
      else this.adopt(socket, 'http');
    });
    // Over the cap, node:net closes new connections at once and says so (the fast path counts them itself).
    this.server.maxConnections = settings.maxConnections;
    this.server.on('drop', () => stats.refusedConnections++);
  }

  async listen(host: string, reusePort: boolean): Promise<void> {
    await listenServer(this.server, this.port, host, reusePort, this.settings);
    this.sharedBufferReads = acceptHook(this.server, (error, clientHandle) => this.accept(error, clientHandle));
  }

  /** A connection accepted on the fast path: node's own checks (drain, connection cap), then an `onread` socket. */
  private accept(error: number, clientHandle: ClientHandle | undefined): void {
    if (error !== 0 || clientHandle === undefined) return; // accept failed (EMFILE, ...): the next may work
    if (this.draining) {
      clientHandle.close();
      return;
    }
    if (this.connections.size >= this.settings.maxConnections) {
      this.stats.refusedConnections++;
      clientHandle.close();
      return;
    }
    let connection: Http1Connection | null = null;
    // `handle` (the accepted connection) is how node's own server builds its sockets; the typings omit it (and `onread` here).
    const options = {
      handle: clientHandle,
      allowHalfOpen: true,
      readable: true,
      writable: true,
      onread: {
        buffer: sharedClientReadBuffer,
        callback: (length: number, buf: Uint8Array) => {
          connection?.onClientData(buf as Buffer, length, true);
          return true;
        },
      },
    };
    const socket = new Socket(options as unknown as SocketConstructorOpts);
    socket.setNoDelay(true);
    connection = this.track(new Http1Connection(socket, this, Date.now(), 'http'));
  }

  /**
   * Serves a connected stream socket on this port: a TLS socket after its handshake (`scheme` 'https'), or any
   * socket node's server gave us. Its chunks are its own (not the shared buffer), read through 'data' events.
   */
  adopt(socket: Socket, scheme: 'http' | 'https'): Http1Connection {
    const connection = this.track(new Http1Connection(socket, this, Date.now(), scheme));
    socket.on('data', (chunk: Buffer) => connection.onClientData(chunk, chunk.length, false));
    return connection;
  }

  private track(connection: Http1Connection): Http1Connection {
    this.connections.add(connection);
    connection.onClose = () => this.connections.delete(connection);
    return connection;
  }

  /** Applies timeouts: header deadline for partial heads, idle timeout between requests, upstream deadlines. */
  sweep(now: number): void {
    const { headerTimeoutMs, timeoutMs } = this.state.keepalive;
    for (const connection of this.connections) {
      if (connection.upstreamDeadline !== 0 && now > connection.upstreamDeadline) {
        connection.timeOutUpstream();
      } else if (connection.headStartedAt !== 0) {
        if (now - connection.headStartedAt > headerTimeoutMs) connection.timeOutHead();
      } else if (
        connection.idle &&
        now - connection.lastActivity > (connection.servedAny ? timeoutMs : headerTimeoutMs)
      ) {
        connection.destroy();
      }
    }
  }

  drain(): void {
    this.draining = true;
    this.server.close();
    for (const connection of this.connections) if (connection.idle) connection.destroy();
  }

  destroyAll(): void {
    for (const connection of this.connections) connection.destroy();
  }

  get connectionCount(): number {
    return this.connections.size;
  }
}
