import { createServer, Socket, type Server, type SocketConstructorOpts } from 'node:net';
import type { ListenerStats } from '../metrics.ts';
import { acceptHook, listenServer, type ClientHandle } from '../proxy/listen-server.ts';
import type { EngineSettings } from '../proxy/listener-context.ts';
import type { PortListener } from '../proxy/port-listener.ts';
import type { StreamPortState } from './stream-state.ts';
import { sharedReadBuffer, TcpTunnel } from './tcp-tunnel.ts';

/**
 * One `tcp` port: its server socket and its tunnels. Each accepted connection is paused until its upstream is
 * connected, then forwarded byte for byte by a `TcpTunnel` that keeps the state it was accepted with. Accepted
 * sockets read into the tunnels' shared buffer (`onread`), as `HttpListener`'s do, by taking over the server
 * handle's accept callback; node's own connection event is the fallback if that hook ever moves.
 */
export class TcpListener implements PortListener<StreamPortState> {
  readonly port: number;
  readonly protocol = 'tcp' as const;
  readonly stats: ListenerStats;
  state: StreamPortState;
  private readonly settings: EngineSettings;
  private readonly tunnels = new Set<TcpTunnel>();
  private readonly server: Server;
  private draining = false;

  constructor(port: number, stats: ListenerStats, settings: EngineSettings, state: StreamPortState) {
    this.port = port;
    this.stats = stats;
    this.settings = settings;
    this.state = state;
    // Half-open both ways (a FIN is passed on, not answered); paused until the upstream can take the bytes.
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) =>
      this.accept(socket),
    );
    this.server.maxConnections = settings.maxConnections;
    this.server.on('drop', () => stats.refusedConnections++);
  }

  async listen(host: string, reusePort: boolean): Promise<void> {
    await listenServer(this.server, this.port, host, reusePort, this.settings);
    acceptHook(this.server, (error, clientHandle) => this.acceptHandle(error, clientHandle));
  }

  /** The fast path: node's checks (drain, connection cap), then a paused `onread` socket for a new tunnel. */
  private acceptHandle(error: number, clientHandle: ClientHandle | undefined): void {
    if (error !== 0 || clientHandle === undefined) return; // accept failed (EMFILE, ...): the next may work
    if (this.draining || this.tunnels.size >= this.settings.maxConnections) {
      if (!this.draining) this.stats.refusedConnections++;
      clientHandle.close();
      return;
    }
    let tunnel: TcpTunnel | null = null;
    // `handle` and `pauseOnCreate` are how node's own server builds its sockets (the typings omit them and `onread`).
    const options = {
      handle: clientHandle,
      allowHalfOpen: true,
      pauseOnCreate: true,
      readable: true,
      writable: true,
      onread: {
        buffer: sharedReadBuffer,
        callback: (length: number, buf: Uint8Array) => {
          tunnel?.fromClient(buf as Buffer, length);
          return true;
        },
      },
    };
    tunnel = this.track(new Socket(options as unknown as SocketConstructorOpts));
  }

  /** The fallback path: a socket node's server made (paused by `pauseOnConnect`), read through 'data' events. */
  private accept(socket: Socket): void {
    if (this.draining) {
      socket.destroy();
      return;
    }
    const tunnel = this.track(socket);
    socket.on('data', (chunk: Buffer) => tunnel.fromClient(chunk, chunk.length));
  }

  private track(socket: Socket): TcpTunnel {
    const tunnel = new TcpTunnel(socket, this.state, this.stats, this.settings, Date.now());
    this.tunnels.add(tunnel);
    tunnel.onClose = () => this.tunnels.delete(tunnel);
    return tunnel;
  }

  sweep(now: number): void {
    for (const tunnel of this.tunnels) tunnel.sweep(now);
  }

  /** Stops accepting; established connections go on (a stream has no request boundary to stop at). */
  drain(): void {
    this.draining = true;
    this.server.close();
  }

  destroyAll(): void {
    for (const tunnel of this.tunnels) tunnel.destroy();
  }

  get connectionCount(): number {
    return this.tunnels.size;
  }
}
