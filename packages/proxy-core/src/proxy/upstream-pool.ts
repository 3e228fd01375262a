import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** The one who currently uses an upstream connection (an exchange); the pool routes socket events to it. */
export type UpstreamOwner = {
  /** `buf[0, length)` is valid only during the call: anything kept must be copied. */
  onUpstreamData(buf: Buffer, length: number): void;
  onUpstreamEnd(): void;
  onUpstreamError(error: Error): void;
  onUpstreamDrain(): void;
  /** The connection it opened is established. */
  onUpstreamConnect?(): void;
};

export type PoolOptions = { maxIdle: number; idleTimeoutMs: number };

/**
 * Plain connections read into this one buffer (`onread`): no Buffer is allocated per read. Data is handed to the
 * owner synchronously, and the owner copies what it keeps, so one buffer serves every upstream connection.
 */
const sharedReadBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * One connection to an upstream endpoint. While idle in its pool nobody owns it: data or a close then just
 * removes it (an idle upstream must not talk).
 */
export class UpstreamConnection {
  readonly socket: Socket;
  readonly pool: UpstreamPool;
  owner: UpstreamOwner | null = null;
  /** True once it has served a request: a failure before any response may then be a stale keep-alive race. */
  reused = false;
  connected = false;
  closed = false;
  /** When it became idle in the pool (for the idle timeout). */
  idleSince = 0;
  /** When it was opened (for the connect timeout). */
  readonly openedAt: number;

  constructor(pool: UpstreamPool, tls: boolean, now: number) {
    this.pool = pool;
    this.openedAt = now;
    const socket = tls
      ? // TLS as nginx's proxy_ssl defaults: no certificate verification and no SNI, so one pool serves every host.
        tlsConnect({ host: pool.address, port: pool.port, rejectUnauthorized: false })
      : netConnect({
          host: pool.address,
          port: pool.port,
          noDelay: true,
          onread: {
            buffer: sharedReadBuffer,
            callback: (length: number, buf: Uint8Array) => {
              this.onData(buf as Buffer, length);
              return true;
            },
          },
        });
    this.socket = socket;
    if (tls) socket.on('data', (chunk: Buffer) => this.onData(chunk, chunk.length));
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      if (tls) socket.setNoDelay(true);
      this.owner?.onUpstreamConnect?.();
    });
    socket.on('end', () => {
      this.closed = true;
      if (this.owner !== null) this.owner.onUpstreamEnd();
      else this.destroy();
    });
    socket.on('error', (error: Error) => {
      this.closed = true;
      if (this.owner !== null) this.owner.onUpstreamError(error);
    });
    socket.on('close', () => {
      this.closed = true;
      this.pool.forget(this);
    });
    socket.on('drain', () => {
      if (this.owner !== null) this.owner.onUpstreamDrain();
    });
  }

  private onData(buf: Buffer, length: number): void {
    if (this.owner !== null) this.owner.onUpstreamData(buf, length);
    else this.destroy();
  }

  destroy(): void {
    this.closed = true;
    this.owner = null;
    this.socket.destroy();
  }
}

/**
 * Keep-alive connections to one endpoint (over plain TCP or TLS): a LIFO stack of idle connections (the most
 * recently used one is the least likely to have been closed by the upstream), capped at `maxIdle`, each closed
 * after `idleTimeoutMs` of idleness. Pools survive config changes for endpoints that stay.
 */
export class UpstreamPool {
  readonly address: string;
  readonly port: number;
  readonly tls: boolean;
  private readonly idle: UpstreamConnection[] = [];
  private readonly options: PoolOptions;
  private closedForGood = false;

  constructor(address: string, port: number, tls: boolean, options: PoolOptions) {
    this.address = address;
    this.port = port;
    this.tls = tls;
    this.options = options;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** An idle connection, or null when a new one must be opened. */
  takeIdle(): UpstreamConnection | null {
    for (;;) {
      const conn = this.idle.pop();
      if (conn === undefined) return null;
      if (!conn.closed) return conn;
    }
  }

  /** Opens a new connection owned by `owner`; it hears of success through `onUpstreamConnect`. */
  open(owner: UpstreamOwner, now: number): UpstreamConnection {
    const conn = new UpstreamConnection(this, this.tls, now);
    conn.owner = owner;
    return conn;
  }

  /** Returns a connection after a complete exchange; it is kept if there is room, else closed. */
  release(conn: UpstreamConnection, now: number): void {
    conn.owner = null;
    conn.reused = true;
    if (this.closedForGood || conn.closed || this.idle.length >= this.options.maxIdle) {
      conn.destroy();
      return;
    }
    conn.idleSince = now;
    this.idle.push(conn);
  }

  forget(conn: UpstreamConnection): void {
    const i = this.idle.indexOf(conn);
    if (i !== -1) this.idle.splice(i, 1);
  }

  /** Closes connections idle for longer than the idle timeout (called by the engine's sweeper). */
  sweep(now: number): void {
    const limit = now - this.options.idleTimeoutMs;
    // The stack is ordered by idleSince: the oldest are at the bottom.
    let expired = 0;
    while (expired < this.idle.length && this.idle[expired]!.idleSince < limit) expired++;
    for (const conn of this.idle.splice(0, expired)) conn.destroy();
  }

  /** The endpoint left the config: idle connections close now, busy ones when their exchange ends. */
  close(): void {
    this.closedForGood = true;
    for (const conn of this.idle.splice(0)) conn.destroy();
  }
}
