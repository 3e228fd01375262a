import { connect, type ClientHttp2Session } from 'node:http2';
import type { UpstreamTarget } from '../balancer/endpoint.ts';

/**
 * HTTP/2 sessions to gRPC upstreams, one per endpoint and scheme, shared by every stream of a port (HTTP/2
 * multiplexes, so one connection carries many calls). A session that closes or fails is forgotten and the next
 * call opens a new one. h2c for plain upstreams, TLS (no verification, as the HTTP/1.1 upstreams) for `https`.
 */
export class GrpcUpstreams {
  private readonly sessions = new Map<string, ClientHttp2Session>();

  session(target: UpstreamTarget, tls: boolean): ClientHttp2Session {
    const key = `${tls ? 'https' : 'http'}://${target.key}`;
    const existing = this.sessions.get(key);
    if (existing !== undefined && !existing.closed && !existing.destroyed) return existing;
    const session = connect(key, tls ? { rejectUnauthorized: false } : {});
    session.on('error', () => session.destroy());
    session.on('close', () => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    });
    // Idle sessions do not keep the process (or a drained port) alive.
    session.unref();
    this.sessions.set(key, session);
    return session;
  }

  closeAll(): void {
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }
}
