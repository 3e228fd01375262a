import { createServer, type Server, type Socket } from 'node:net';
import type { ListenerStats } from '../metrics.ts';
import type { EngineSettings } from '../proxy/listener-context.ts';
import type { PortListener } from '../proxy/port-listener.ts';
import type { StreamPortState } from './stream-state.ts';
import { TcpTunnel } from './tcp-tunnel.ts';

/**
 * One `tcp` port: its server socket and its tunnels. Each accepted connection is paused until its upstream is
 * connected, then forwarded byte for byte by a `TcpTunnel` that keeps the state it was accepted with.
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

  listen(host: string, reusePort: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen({ port: this.port, host, reusePort, backlog: 4096 }, () => {
        this.server.off('error', onError);
        // An accept that fails (EMFILE: out of descriptors) must not end the process; the next one may work.
        this.server.on('error', (error) =>
          this.settings.logger?.error({ port: this.port, error: error.message }, 'accept failed'),
        );
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    if (this.draining) {
      socket.destroy();
      return;
    }
    const tunnel = new TcpTunnel(socket, this.state, this.stats, this.settings, Date.now());
    this.tunnels.add(tunnel);
    tunnel.onClose = () => this.tunnels.delete(tunnel);
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
