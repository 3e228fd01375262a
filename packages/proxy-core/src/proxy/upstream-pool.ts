import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** The one who currently uses an upstream connection (an exchange); the pool routes socket events to it. */
export type UpstreamOwner = {
  onUpstreamData(chunk: Buffer): void;
  onUpstreamEnd(): void;
  onUpstreamError(error: Error): void;
  onUpstreamTimeout(): void;
  onUpstreamDrain(): void;
};

export type PoolOptions = { maxIdle: number; idleTimeoutMs: number };

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

  constructor(socket: Socket, pool: UpstreamPool) {
    this.socket = socket;
    this.pool = pool;
    socket.on('data', (chunk: Buffer) => {
      if (this.owner !== null) this.owner.onUpstreamData(chunk);
      else this.destroy();
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
    socket.on('timeout', () => {
      if (this.owner !== null) this.owner.onUpstreamTimeout();
      else this.destroy();
    });
    socket.on('drain', () => {
      if (this.owner !== null) this.owner.onUpstreamDrain();
    });
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
      if (!conn.closed && !conn.socket.destroyed) {
        conn.socket.setTimeout(0);
        return conn;
      }
    }
  }

  /** Opens a new connection; the owner hears about success through `onConnect` and failure through its handlers. */
  open(owner: UpstreamOwner, connectTimeoutMs: number, onConnect: (c: UpstreamConnection) => void): UpstreamConnection {
    // TLS as nginx's proxy_ssl defaults: no certificate verification and no SNI, so one pool serves every host.
    const socket = this.tls
      ? tlsConnect({ host: this.address, port: this.port, rejectUnauthorized: false })
      : netConnect({ host: this.address, port: this.port });
    socket.setNoDelay(true);
    const conn = new UpstreamConnection(socket, this);
    conn.owner = owner;
    socket.setTimeout(connectTimeoutMs);
    socket.once(this.tls ? 'secureConnect' : 'connect', () => {
      conn.connected = true;
      if (conn.owner === owner) onConnect(conn);
    });
    return conn;
  }

  /** Returns a connection after a complete exchange; it is kept if there is room, else closed. */
  release(conn: UpstreamConnection): void {
    conn.owner = null;
    conn.reused = true;
    if (this.closedForGood || conn.closed || this.idle.length >= this.options.maxIdle) {
      conn.destroy();
      return;
    }
    conn.socket.setTimeout(this.options.idleTimeoutMs);
    this.idle.push(conn);
  }

  forget(conn: UpstreamConnection): void {
    const i = this.idle.indexOf(conn);
    if (i !== -1) this.idle.splice(i, 1);
  }

  /** The endpoint left the config: idle connections close now, busy ones when their exchange ends. */
  close(): void {
    this.closedForGood = true;
    for (const conn of this.idle.splice(0)) conn.destroy();
  }
}
