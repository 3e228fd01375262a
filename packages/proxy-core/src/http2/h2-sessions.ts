import { constants, performServerHandshake, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { HttpLimits } from '../http/limits.ts';
import type { HttpListener } from '../proxy/http-listener.ts';
import { proxyGrpc } from './grpc-exchange.ts';
import { GrpcUpstreams } from './grpc-upstreams.ts';
import { h1RequestFromH2 } from './h1-request-head.ts';
import { H2StreamBridge } from './h2-stream-bridge.ts';

/** Streams one HTTP/2 connection may have open at once (nginx http2_max_concurrent_streams: 128). */
export const maxConcurrentStreams = 128;

/**
 * The protections every HTTP/2 connection gets (nghttp2 enforces them): concurrent streams, the header list size
 * and pair count (the HTTP/1.1 head limits, so a CONTINUATION flood is cut at the same size as a long HTTP/1.1
 * head), session memory, SETTINGS and PING floods, and the rapid-reset rate limit (CVE-2023-44487: at most
 * `streamResetBurst` RST_STREAMs at once, then `streamResetRate` per second, or the connection is closed).
 */
export function h2SessionOptions(limits: HttpLimits) {
  return {
    settings: {
      maxConcurrentStreams,
      maxHeaderListSize: limits.maxHeadBytes,
      enablePush: false,
    },
    maxHeaderListPairs: limits.maxHeaderCount + 8,
    maxSessionMemory: 10,
    maxSettings: 32,
    maxOutstandingPings: 10,
    maxOutstandingSettings: 10,
    streamResetBurst: 100,
    streamResetRate: 33,
  };
}

/**
 * Serves the HTTP/2 connections of one https port: each stream becomes one HTTP/1.1 exchange of `http` (see
 * `H2StreamBridge`). Tracks its sessions so they can be drained (GOAWAY) and counted.
 */
export class H2Sessions {
  readonly sessions = new Set<ServerHttp2Session>();
  private readonly http: HttpListener;
  private readonly options: ReturnType<typeof h2SessionOptions>;
  /** Set on `grpc` ports: calls go to upstreams over HTTP/2 instead of through the HTTP/1.1 bridge. */
  private readonly grpc: GrpcUpstreams | null;

  constructor(http: HttpListener, limits: HttpLimits, grpc: boolean) {
    this.http = http;
    this.options = h2SessionOptions(limits);
    this.grpc = grpc ? new GrpcUpstreams() : null;
  }

  serve(socket: TLSSocket): void {
    let session: ServerHttp2Session;
    try {
      session = performServerHandshake(socket, this.options);
    } catch {
      socket.destroy();
      return;
    }
    this.sessions.add(session);
    const remoteAddress = socket.remoteAddress;
    session.on('close', () => this.sessions.delete(session));
    // A protocol error or a tripped limit (rapid reset, floods) ends the connection.
    session.on('error', () => {
      session.destroy();
      socket.destroy();
    });
    // An idle connection (no frames at all) closes gracefully after the port's keep-alive timeout.
    session.setTimeout(this.http.state.keepalive.timeoutMs, () => session.close());
    session.on('stream', (stream: ServerHttp2Stream, headers) => {
      stream.on('error', () => stream.destroy());
      if (this.http.draining) {
        stream.close(constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      const request = h1RequestFromH2(headers, stream.endAfterHeaders);
      if (!request.ok) {
        stream.respond({ ':status': request.status, 'x-alb-err-reason': request.reason }, { endStream: true });
        return;
      }
      if (this.grpc !== null) {
        const http = this.http;
        const port = {
          state: http.state,
          stats: http.stats,
          limits: http.settings.limits,
          upstreams: this.grpc,
          port: http.port,
        };
        proxyGrpc(port, stream, headers, request, normalizeIp(remoteAddress));
        return;
      }
      const bridge = new H2StreamBridge(stream, request, remoteAddress, this.http.settings.limits);
      this.http.adopt(bridge.asSocket(), 'https');
      bridge.start(request.head, request.body !== 'none');
    });
  }

  /** Stops new streams everywhere (GOAWAY); streams in flight finish. */
  drain(): void {
    for (const session of this.sessions) session.close();
  }

  destroyAll(): void {
    for (const session of this.sessions) session.destroy();
    this.grpc?.closeAll();
  }
}

/** The client's address as routing sees it (IPv4-mapped IPv6 as plain IPv4). */
function normalizeIp(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
