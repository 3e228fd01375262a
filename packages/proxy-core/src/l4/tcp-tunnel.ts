import { connect, type Socket } from 'node:net';
import type { PickContext } from '../balancer/balancer.ts';
import type { Endpoint } from '../balancer/endpoint.ts';
import type { ListenerStats } from '../metrics.ts';
import type { EngineSettings } from '../proxy/listener-context.ts';
import { IdleWatch } from './idle-watch.ts';
import { pickContextFor } from './pick-context.ts';
import { proxyV2Header } from './proxy-protocol.ts';
import type { StreamPortState } from './stream-state.ts';

/** Connect attempts per client connection: the first endpoint, then one other (nginx stream's next upstream). */
const maxAttempts = 2;

/**
 * Both sides of every tunnel read into this one buffer (`onread`): no Buffer and no stream machinery per read. A
 * read is handled synchronously and copied once, into the buffer that is written to the other side.
 */
export const sharedReadBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * One client connection forwarded to one upstream connection, byte for byte. The port's state is read once, when
 * the connection is accepted, and kept: a config change never cuts it. The client is read only once the upstream
 * is connected; from then on each side is paused while the other cannot take more (backpressure both ways), and
 * a FIN from either side is passed on while the other direction keeps flowing (half-close).
 */
export class TcpTunnel {
  readonly client: Socket;
  private readonly state: StreamPortState;
  private readonly stats: ListenerStats;
  private readonly settings: EngineSettings;
  private readonly pickContext: PickContext;
  private upstream: Socket | null = null;
  private endpoint: Endpoint | null = null;
  private attempts = 0;
  private established = false;
  private clientEnded = false;
  /** Set when the tunnel is torn down (error, timeout, drain deadline); `finished` once both sockets are gone. */
  private closed = false;
  private finished = false;
  /** While connecting: when the attempt is given up. 0 otherwise. */
  private connectDeadline = 0;
  private readonly idle: IdleWatch;
  /** Called once, when both sockets are gone. */
  onClose: (() => void) | null = null;

  constructor(client: Socket, state: StreamPortState, stats: ListenerStats, settings: EngineSettings, now: number) {
    this.client = client;
    this.state = state;
    this.stats = stats;
    this.settings = settings;
    this.pickContext = pickContextFor(client.remoteAddress);
    this.idle = new IdleWatch(now);
    stats.activeConnections++;
    stats.connectionsTotal++;
    client.setNoDelay(true);
    if (state.keepaliveIdleMs !== null) client.setKeepAlive(true, state.keepaliveIdleMs);
    client.on('error', () => this.abort());
    client.on('end', () => {
      this.clientEnded = true;
      if (this.established) this.upstream!.end();
    });
    client.on('close', () => this.onSocketClose());
    this.connect(null, now);
  }

  private connect(exclude: Endpoint | null, now: number): void {
    const pick = this.state.balancer?.pick(this.pickContext, exclude, (e) => e.target.failedUntil > now) ?? null;
    // No endpoint, or the retry would go back to the one that just failed: the client is told by a close.
    if (pick === null || (exclude !== null && pick.endpoint === exclude)) {
      if (pick === null) this.stats.upstreamErrors++;
      this.client.destroy();
      return;
    }
    this.attempts++;
    this.endpoint = pick.endpoint;
    const upstream = connect({
      host: pick.endpoint.target.address,
      port: pick.endpoint.target.port,
      noDelay: true,
      allowHalfOpen: true,
      onread: {
        buffer: sharedReadBuffer,
        callback: (length: number, buf: Uint8Array) => {
          this.fromUpstream(buf as Buffer, length);
          return true;
        },
      },
    });
    this.upstream = upstream;
    this.connectDeadline = now + this.state.connectTimeoutMs;
    upstream.once('connect', () => this.onConnect(upstream));
    upstream.on('error', () => this.onUpstreamError(upstream));
    upstream.on('close', () => this.onSocketClose());
  }

  private onConnect(upstream: Socket): void {
    if (this.closed || upstream !== this.upstream) return;
    this.established = true;
    this.connectDeadline = 0;
    const client = this.client;
    if (this.state.proxyProtocol)
      upstream.write(
        proxyV2Header(
          { address: client.remoteAddress, port: client.remotePort },
          { address: client.localAddress, port: client.localPort },
        ),
      );
    upstream.on('drain', () => client.resume());
    client.on('drain', () => upstream.resume());
    upstream.on('end', () => client.end());
    if (this.clientEnded) upstream.end();
    client.resume();
  }

  /**
   * Bytes from the client (`buf[0, length)`, valid during the call only), copied to the upstream. The client is
   * read only once the upstream is connected; when the upstream cannot take more, the client is paused until it
   * drains.
   */
  fromClient(buf: Buffer, length: number): void {
    const upstream = this.upstream;
    if (!this.established || upstream === null || this.closed) return;
    this.idle.moved += length;
    this.stats.bytesReceived += length;
    if (!upstream.write(Buffer.from(buf.subarray(0, length)))) this.client.pause();
  }

  private fromUpstream(buf: Buffer, length: number): void {
    if (this.closed) return;
    this.idle.moved += length;
    this.stats.bytesSent += length;
    if (!this.client.write(Buffer.from(buf.subarray(0, length)))) this.upstream!.pause();
  }

  /** A failed connect is tried once more on another endpoint; a failure after that resets the client too. */
  private onUpstreamError(upstream: Socket): void {
    if (this.closed || upstream !== this.upstream) return;
    if (!this.established) {
      this.connectFailed(Date.now());
      return;
    }
    this.stats.upstreamErrors++;
    this.abort();
  }

  private connectFailed(now: number): void {
    this.stats.upstreamErrors++;
    const failed = this.endpoint!;
    // Passive health, shared with HTTP: the target is skipped by every listener until the cooldown ends.
    failed.target.failedUntil = now + this.settings.failCooldownMs;
    const upstream = this.upstream!;
    this.upstream = null;
    this.connectDeadline = 0;
    upstream.destroy();
    if (this.attempts < maxAttempts && !this.client.destroyed) this.connect(failed, now);
    else this.client.destroy();
  }

  /** Connect deadline while connecting; the idle timeout (no byte either way) once established. */
  sweep(now: number): void {
    if (this.closed) return;
    if (this.connectDeadline !== 0) {
      if (now > this.connectDeadline) this.connectFailed(now);
      return;
    }
    if (this.idle.expired(now, this.state.idleTimeoutMs)) this.destroy();
  }

  /** An error on either side: the other is reset too (a peer must not mistake a broken stream for a clean end). */
  private abort(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.client.destroyed) this.client.resetAndDestroy();
    const upstream = this.upstream;
    if (upstream !== null && !upstream.destroyed) {
      if (this.established) upstream.resetAndDestroy();
      else upstream.destroy();
    }
    this.finish();
  }

  /** Closes both sides now (idle timeout, drain deadline, engine close). */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.upstream?.destroy();
    this.finish();
  }

  /**
   * A socket closed. Cleanly, that side is done both ways: its FIN was passed on, so the other side is ended too
   * (after what it still has to write) and closes when its own peer answers; the idle timeout covers a peer that
   * never does. The tunnel is finished when neither socket is left.
   */
  private onSocketClose(): void {
    const upstream = this.upstream;
    if (!this.closed && this.established && upstream !== null) {
      if (this.client.destroyed && !upstream.destroyed) upstream.end();
      else if (upstream.destroyed && !this.client.destroyed) this.client.end();
    } else if (!this.closed && this.client.destroyed && upstream !== null && !upstream.destroyed) {
      upstream.destroy(); // the client left while connecting
    }
    this.finish();
  }

  private finish(): void {
    if (this.finished || !this.client.destroyed) return;
    if (this.upstream !== null && !this.upstream.destroyed) return;
    this.finished = true;
    this.stats.activeConnections--;
    this.onClose?.();
  }
}
