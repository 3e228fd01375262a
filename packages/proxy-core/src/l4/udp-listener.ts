import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ListenerStats } from '../metrics.ts';
import type { EngineSettings } from '../proxy/listener-context.ts';
import type { PortListener } from '../proxy/port-listener.ts';
import { pickContextFor } from './pick-context.ts';
import type { StreamPortState } from './stream-state.ts';
import { UdpSession, type UdpSessionHost } from './udp-session.ts';

/**
 * Replies go to the address a datagram came from, always an IP literal: answered synchronously instead of through
 * `dns.lookup` (which defers every send by a tick).
 */
function literalAddress(
  address: string,
  _family: unknown,
  callback: (error: Error | null, address: string, family: number) => void,
): void {
  callback(null, address, isIPv6(address) ? 6 : 4);
}

/**
 * One `udp` port: its socket and a session per client address and port. At most `maxConnections` sessions are
 * open (each holds an ephemeral port); a new client beyond that closes the least recently active session. With
 * several workers the kernel spreads datagrams by address and port (SO_REUSEPORT), so a client stays in one worker.
 */
export class UdpListener implements PortListener<StreamPortState>, UdpSessionHost {
  readonly port: number;
  readonly protocol = 'udp' as const;
  readonly stats: ListenerStats;
  state: StreamPortState;
  readonly failCooldownMs: number;
  private readonly settings: EngineSettings;
  /** By `address:port`, least recently active first (a datagram moves its session to the end). */
  private readonly sessions = new Map<string, UdpSession>();
  private socket: Socket | null = null;
  /** Counts sweeps; a session's `touched` says in which interval it last moved to the end of `sessions`. */
  private epoch = 0;

  constructor(port: number, stats: ListenerStats, settings: EngineSettings, state: StreamPortState) {
    this.port = port;
    this.stats = stats;
    this.settings = settings;
    this.state = state;
    this.failCooldownMs = settings.failCooldownMs;
  }

  listen(host: string, reusePort: boolean): Promise<void> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reusePort, lookup: literalAddress });
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        socket.close();
        reject(error);
      };
      socket.once('error', onError);
      socket.bind({ port: this.port, address: host, exclusive: true }, () => {
        socket.off('error', onError);
        socket.on('error', (error) =>
          this.settings.logger?.error({ port: this.port, error: error.message }, 'udp socket error'),
        );
        socket.on('message', (datagram, from) => this.onDatagram(datagram, from));
        this.socket = socket;
        resolve();
      });
    });
  }

  private onDatagram(datagram: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    let session: UdpSession | null | undefined = this.sessions.get(key);
    if (session === undefined) {
      session = this.open(key, from);
      if (session === null) return;
      this.sessions.set(key, session);
    } else if (session.touched !== this.epoch) {
      // Moved to the end at most once per sweep interval: recency is kept to 100 ms, for two map operations per
      // session and interval instead of per datagram.
      this.sessions.delete(key);
      this.sessions.set(key, session);
    }
    session.touched = this.epoch;
    session.send(datagram);
  }

  private open(key: string, from: RemoteInfo): UdpSession | null {
    const state = this.state;
    const now = Date.now();
    const pick = state.balancer?.pick(pickContextFor(from.address), null, (e) => e.target.failedUntil > now) ?? null;
    if (pick === null) {
      this.stats.upstreamErrors++;
      return null;
    }
    if (this.sessions.size >= this.settings.maxConnections) {
      const oldest = this.sessions.values().next().value!;
      this.stats.sessionsEvicted++;
      oldest.close();
    }
    return new UdpSession(key, { address: from.address, port: from.port }, pick.endpoint, state, this, now);
  }

  reply(datagram: Buffer, address: string, port: number): void {
    this.socket?.send(datagram, port, address);
  }

  ended(session: UdpSession): void {
    if (this.sessions.get(session.key) === session) this.sessions.delete(session.key);
  }

  sweep(now: number): void {
    this.epoch++;
    for (const session of this.sessions.values()) session.sweep(now);
  }

  /** The port leaves: without its socket no reply can reach a client, so the sessions end with it. */
  drain(): void {
    this.destroyAll();
  }

  destroyAll(): void {
    for (const session of [...this.sessions.values()]) session.close();
    this.socket?.close();
    this.socket = null;
  }

  get connectionCount(): number {
    return this.sessions.size;
  }
}
