import { createServer, type Server } from 'node:net';
import type { TrustedProxies } from '../http/trusted-proxies.ts';
import type { ListenerStats } from '../metrics.ts';
import type { RoutingTable } from '../router/route.ts';
import { ClientConnection } from './client-connection.ts';
import type { EngineSettings, KeepaliveSettings, ListenerContext } from './listener-context.ts';

/** One listening port: its server socket, its live connections and its swappable routing table. */
export class Listener implements ListenerContext {
  readonly port: number;
  readonly stats: ListenerStats;
  readonly settings: EngineSettings;
  routing: RoutingTable;
  keepalive: KeepaliveSettings;
  trusted: TrustedProxies | null;
  draining = false;
  readonly connections = new Set<ClientConnection>();
  private readonly server: Server;

  constructor(
    port: number,
    stats: ListenerStats,
    settings: EngineSettings,
    routing: RoutingTable,
    keepalive: KeepaliveSettings,
    trusted: TrustedProxies | null,
  ) {
    this.port = port;
    this.stats = stats;
    this.settings = settings;
    this.routing = routing;
    this.keepalive = keepalive;
    this.trusted = trusted;
    // Half-open: a client may send its request and FIN, and still read the response.
    this.server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
      if (this.draining) {
        socket.destroy();
        return;
      }
      const connection = new ClientConnection(socket, this, Date.now());
      this.connections.add(connection);
      connection.onClose = () => this.connections.delete(connection);
    });
    // Over the cap, node:net closes new connections at once and says so.
    this.server.maxConnections = settings.maxConnections;
    this.server.on('drop', () => stats.refusedConnections++);
  }

  /** Starts listening; `reusePort` lets several worker processes share the port (the kernel spreads connections). */
  listen(host: string, reusePort: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen({ port: this.port, host, reusePort, backlog: 4096 }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
  }

  /** Applies timeouts: header deadline for partial heads, idle timeout between requests, upstream deadlines. */
  sweep(now: number): void {
    const { headerTimeoutMs, timeoutMs } = this.keepalive;
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

  /** Stops accepting; idle connections close now, busy ones after their current exchange. */
  drain(): void {
    this.draining = true;
    this.server.close();
    for (const connection of this.connections) if (connection.idle) connection.destroy();
  }

  /** Closes what is left (after the drain deadline). */
  destroyAll(): void {
    for (const connection of this.connections) connection.destroy();
  }

  get connectionCount(): number {
    return this.connections.size;
  }
}
