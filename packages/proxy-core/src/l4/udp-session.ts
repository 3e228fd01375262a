import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Endpoint } from '../balancer/endpoint.ts';
import type { ListenerStats } from '../metrics.ts';
import { IdleWatch } from './idle-watch.ts';
import type { StreamPortState } from './stream-state.ts';

/** Datagrams a session holds while its upstream socket connects; more are dropped (UDP may lose datagrams). */
const maxPending = 64;

/** What a session needs from its listener: the port's socket, to answer from the Frontend's port. */
export type UdpSessionHost = {
  readonly stats: ListenerStats;
  reply(datagram: Buffer, address: string, port: number): void;
  /** The session ended (idle, all replies received, upstream error); the listener forgets it. */
  ended(session: UdpSession): void;
  /** How long an endpoint that refused datagrams is skipped. */
  readonly failCooldownMs: number;
};

/**
 * One client address and port: its own upstream socket, `connect()`ed to the endpoint chosen when the session
 * started (so only that endpoint's datagrams come back, and an ICMP port-unreachable surfaces as an error). Replies
 * go back through the listener's socket, from the Frontend's port. The state is the one the session started with:
 * a config change does not move a live session.
 */
export class UdpSession {
  readonly key: string;
  readonly clientAddress: string;
  readonly clientPort: number;
  private readonly host: UdpSessionHost;
  private readonly state: StreamPortState;
  private readonly endpoint: Endpoint;
  private readonly upstream: Socket;
  private pending: Buffer[] | null = [];
  private requests = 0;
  private replies = 0;
  private closed = false;
  readonly idle: IdleWatch;
  /** The listener's sweep interval in which this session last moved to the recent end of the LRU order. */
  touched = -1;

  constructor(
    key: string,
    client: { address: string; port: number },
    endpoint: Endpoint,
    state: StreamPortState,
    host: UdpSessionHost,
    now: number,
  ) {
    this.key = key;
    this.clientAddress = client.address;
    this.clientPort = client.port;
    this.host = host;
    this.state = state;
    this.endpoint = endpoint;
    this.idle = new IdleWatch(now);
    host.stats.activeConnections++;
    host.stats.connectionsTotal++;
    const { address, port } = endpoint.target;
    const upstream = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    this.upstream = upstream;
    upstream.on('message', (datagram) => this.onReply(datagram));
    upstream.on('error', () => this.onUpstreamError());
    upstream.connect(port, address, () => this.onConnect());
  }

  /** A datagram from the client, forwarded as is. */
  send(datagram: Buffer): void {
    if (this.closed) return;
    this.requests++;
    this.idle.moved += datagram.length + 1;
    this.host.stats.bytesReceived += datagram.length;
    if (this.pending === null) this.upstream.send(datagram);
    else if (this.pending.length < maxPending) this.pending.push(datagram);
  }

  private onConnect(): void {
    if (this.closed) return;
    const pending = this.pending!;
    this.pending = null;
    for (const datagram of pending) this.upstream.send(datagram);
  }

  private onReply(datagram: Buffer): void {
    if (this.closed) return;
    this.replies++;
    this.idle.moved += datagram.length + 1;
    this.host.stats.bytesSent += datagram.length;
    this.host.reply(datagram, this.clientAddress, this.clientPort);
    // nginx proxy_responses: once every client datagram got its replies, the session is over.
    const expected = this.state.udpResponses;
    if (expected > 0 && this.replies >= this.requests * expected) this.close();
  }

  /** ECONNREFUSED (ICMP port unreachable) and the like: the endpoint is skipped for a while, the session ends. */
  private onUpstreamError(): void {
    if (this.closed) return;
    this.host.stats.upstreamErrors++;
    this.endpoint.target.failedUntil = Date.now() + this.host.failCooldownMs;
    this.close();
  }

  sweep(now: number): void {
    if (this.idle.expired(now, this.state.idleTimeoutMs)) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.stats.activeConnections--;
    this.upstream.close();
    this.host.ended(this);
  }
}
