import type { Socket } from 'node:net';
import { createServer, type SecureContext, type Server, type TLSSocket } from 'node:tls';
import { H2Sessions } from '../http2/h2-sessions.ts';
import type { ListenerStats } from '../metrics.ts';
import { HttpListener } from '../proxy/http-listener.ts';
import { listenServer } from '../proxy/listen-server.ts';
import type { EngineSettings } from '../proxy/listener-context.ts';
import type { PortListener } from '../proxy/port-listener.ts';
import type { HttpsPortState } from './https-port-state.ts';
import type { ServedCertificate } from './secure-contexts.ts';
import { ticketEpoch, ticketKeys } from './ticket-keys.ts';
import { tlsVersionsAndCiphers } from './tls-settings.ts';

/** A client has this long to finish its TLS handshake (nginx: ssl_handshake_timeout 60 s; slow clients are rare). */
const handshakeTimeoutMs = 10_000;

/**
 * One https port: a TLS server whose handshakes pick their certificate from the port's `SniTable` (our own
 * callback, rebuilt with the config). ALPN picks the protocol: HTTP/1.1 connections are served by an
 * `HttpListener` (the same connection code, routing and upstream pools as plain http), HTTP/2 ones by `H2Sessions`,
 * whose streams are served by that same listener as one HTTP/1.1 exchange each.
 */
export class HttpsListener implements PortListener<HttpsPortState> {
  readonly port: number;
  readonly protocol: 'https' | 'grpc';
  readonly stats: ListenerStats;
  private readonly http: HttpListener;
  private readonly server: Server;
  private current: HttpsPortState;
  /** The certificate clients without SNI get (the server's default context): changed only with the config. */
  private defaultRevision: string | null = null;
  /** Connections still in their handshake (not yet handed to `http`). */
  private readonly handshaking = new Set<Socket>();
  private readonly settings: EngineSettings;
  private readonly h2: H2Sessions;
  /** The period whose session ticket keys are in use (see `ticketKeys`). */
  private ticketEpoch = -1;

  constructor(
    port: number,
    stats: ListenerStats,
    settings: EngineSettings,
    state: HttpsPortState,
    protocol: 'https' | 'grpc',
  ) {
    this.port = port;
    this.protocol = protocol;
    this.stats = stats;
    this.settings = settings;
    this.current = state;
    this.http = new HttpListener(port, stats, settings, state);
    this.h2 = new H2Sessions(this.http, settings.limits, protocol === 'grpc');
    this.server = createServer({
      ...tlsVersionsAndCiphers,
      allowHalfOpen: true,
      noDelay: true,
      handshakeTimeout: handshakeTimeoutMs,
      // HTTP/2 when the client offers it, else HTTP/1.1 (a client offering neither gets HTTP/1.1 too).
      // gRPC ports speak HTTP/2 only.
      ALPNProtocols: protocol === 'grpc' ? ['h2'] : ['h2', 'http/1.1'],
      SNICallback: (servername, done) => this.selectContext(servername, done),
    });
    this.useDefaultCertificate(state.sni.portCertificate);
    this.rotateTicketKeys(Date.now());
    this.server.maxConnections = settings.maxConnections;
    this.server.on('drop', () => stats.refusedConnections++);
    this.server.on('connection', (socket: Socket) => {
      this.handshaking.add(socket);
      socket.once('close', () => this.handshaking.delete(socket));
    });
    this.server.on('secureConnection', (socket: TLSSocket) => {
      this.handshaking.delete(socket);
      if (this.http.draining) socket.destroy();
      else if (socket.alpnProtocol === 'h2') this.h2.serve(socket);
      else if (protocol === 'grpc') socket.destroy();
      else this.http.adopt(socket, 'https');
    });
    // A failed handshake (no certificate for the name, a scanner, a timeout) only ends that connection.
    this.server.on('tlsClientError', (_error, socket) => socket.destroy());
  }

  get state(): HttpsPortState {
    return this.current;
  }

  /** The swap: new handshakes and new requests use the new state; open connections keep their certificate. */
  set state(next: HttpsPortState) {
    this.current = next;
    this.http.state = next;
    this.useDefaultCertificate(next.sni.portCertificate);
  }

  private useDefaultCertificate(certificate: ServedCertificate | null): void {
    const revision = certificate?.revision ?? null;
    if (revision === this.defaultRevision) return;
    this.defaultRevision = revision;
    // Without a port certificate the default context has none, so a client without SNI is refused.
    this.server.setSecureContext(
      certificate === null
        ? { ...tlsVersionsAndCiphers }
        : { ...tlsVersionsAndCiphers, cert: certificate.cert, key: certificate.key },
    );
    // The new default context has keys of its own: put the shared ones back.
    this.ticketEpoch = -1;
    this.rotateTicketKeys(Date.now());
  }

  private selectContext(servername: string, done: (error: Error | null, context?: SecureContext) => void): void {
    // Nothing thrown here may reach node's TLS machinery (it would end the process): refuse the handshake instead.
    try {
      const chosen = this.current.sni.select(servername);
      if (chosen === null) done(new Error(`no certificate for ${servername}`));
      else done(null, chosen.context);
    } catch (error) {
      this.settings.logger?.error({ port: this.port, error: (error as Error).message }, 'certificate selection failed');
      done(error as Error);
    }
  }

  listen(host: string, reusePort: boolean): Promise<void> {
    return listenServer(this.server, this.port, host, reusePort, this.settings);
  }

  sweep(now: number): void {
    this.http.sweep(now);
    this.rotateTicketKeys(now);
  }

  /** Session tickets (OpenSSL encrypts them with the server's keys whatever SNI context served the handshake). */
  private rotateTicketKeys(now: number): void {
    const epoch = ticketEpoch(now);
    if (epoch === this.ticketEpoch || this.settings.tlsTicketSecret === undefined) return;
    this.ticketEpoch = epoch;
    this.server.setTicketKeys(ticketKeys(this.settings.tlsTicketSecret, epoch));
  }

  drain(): void {
    this.server.close();
    for (const socket of this.handshaking) socket.destroy();
    this.h2.drain();
    this.http.drain();
  }

  destroyAll(): void {
    for (const socket of this.handshaking) socket.destroy();
    this.h2.destroyAll();
    this.http.destroyAll();
  }

  get connectionCount(): number {
    return this.http.connectionCount + this.handshaking.size + this.h2.sessions.size;
  }
}
