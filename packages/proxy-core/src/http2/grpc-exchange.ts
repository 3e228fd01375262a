import { RequestView } from '@alb/dslx';
import { constants, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { RequestContext } from '../actions/request-context.ts';
import { parseRequestHead } from '../http/request-head.ts';
import type { HttpLimits } from '../http/limits.ts';
import type { ListenerStats } from '../metrics.ts';
import type { HttpPortState } from '../proxy/port-state.ts';
import { routeRequest } from '../router/route-request.ts';
import type { H1Request } from './h1-request-head.ts';
import type { GrpcUpstreams } from './grpc-upstreams.ts';

/** gRPC status codes the proxy answers with itself. */
export const grpcStatus = { deadlineExceeded: 4, unimplemented: 12, internal: 13, unavailable: 14 } as const;

/** Request fields that are connection-specific or set by the proxy: not copied to the upstream. */
const notForwarded = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/** `grpc-timeout` (an integer and a unit, gRPC's wire format) in ms, or null. */
export function grpcTimeoutMs(value: string | undefined): number | null {
  const match = value === undefined ? null : /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return null;
  const units: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };
  return Number(match[1]) * units[match[2]!]!;
}

/** A gRPC error the proxy makes itself: a trailers-only response (HEADERS with END_STREAM and `grpc-status`). */
function answer(stream: ServerHttp2Stream, code: number, message: string): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    // Too late for trailers-only: end with trailers if the stream still can, else reset it.
    stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.respond(
    {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': String(code),
      'grpc-message': encodeURIComponent(message),
    },
    { endStream: true },
  );
}

export type GrpcPort = {
  readonly state: HttpPortState;
  readonly stats: ListenerStats;
  readonly limits: HttpLimits;
  readonly upstreams: GrpcUpstreams;
  readonly port: number;
};

/**
 * One gRPC call through a `grpc` port: routed like any request (the same rule table, `routeRequest`, balancers),
 * then proxied as an HTTP/2 stream to the chosen endpoint over a shared session: bodies both ways with flow
 * control, response headers, trailers (or a trailers-only response) passed through. What the proxy decides itself
 * is a gRPC status, never a bare HTTP error: no rule -> UNIMPLEMENTED, no endpoint or a failed upstream ->
 * UNAVAILABLE, the call's deadline (`grpc-timeout`, else the route's read timeout) -> DEADLINE_EXCEEDED.
 */
export function proxyGrpc(
  port: GrpcPort,
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  request: H1Request & { ok: true },
  peerIp: string,
): void {
  const state = port.state;
  // The same strict parser as any client's head: routing reads what every other request would.
  const head = parseRequestHead(request.head, request.head.length - 4, port.limits);
  if (!('method' in head)) return answer(stream, grpcStatus.internal, head.reason);
  const parsed = head;
  const view = new RequestView({
    method: parsed.method,
    url: parsed.target,
    headers: parsed.headers,
    remoteAddress: peerIp,
  });
  const ctx: RequestContext = { head: parsed, view, clientIp: peerIp, scheme: 'https', port: port.port };
  const decided = routeRequest(state, ctx, port.stats);
  if (decided.kind === 'local') {
    const code = decided.status === 404 ? grpcStatus.unimplemented : grpcStatus.unavailable;
    return answer(stream, code, decided.reason ?? `the proxy answered ${decided.status}`);
  }
  const route = decided;
  const now = Date.now();
  const pick = route.balancer!.pick(ctx, null, (e) => e.target.failedUntil > now);
  if (pick === null) return answer(stream, grpcStatus.unavailable, 'no endpoint');
  const target = pick.endpoint.target;

  const upstreamHeaders: OutgoingHttpHeaders = {
    ':method': parsed.method,
    ':path': headers[':path'],
    ':authority': route.vhost ?? headers[':authority'] ?? parsed.host,
    ':scheme': route.tls ? 'https' : 'http',
  };
  for (const name of Object.keys(headers)) {
    if (name.charCodeAt(0) === 58 || notForwarded.has(name)) continue;
    upstreamHeaders[name] = headers[name];
  }
  const forwardedFor = headers['x-forwarded-for'];
  upstreamHeaders['x-forwarded-for'] =
    state.trusted !== null && typeof forwardedFor === 'string' ? `${forwardedFor}, ${peerIp}` : peerIp;
  upstreamHeaders['x-forwarded-proto'] = 'https';

  let upstream: ReturnType<ReturnType<GrpcUpstreams['session']>['request']>;
  try {
    upstream = port.upstreams
      .session(target, route.tls)
      .request(upstreamHeaders, { endStream: stream.endAfterHeaders });
  } catch (error) {
    return answer(stream, grpcStatus.unavailable, `upstream: ${(error as Error).message}`);
  }
  const deadlineMs = grpcTimeoutMs(headers['grpc-timeout'] as string | undefined) ?? route.readTimeoutMs;
  const timer = setTimeout(() => {
    upstream.close(constants.NGHTTP2_CANCEL);
    if (stream.headersSent)
      endWithTrailers({ 'grpc-status': String(grpcStatus.deadlineExceeded), 'grpc-message': 'deadline exceeded' });
    else answer(stream, grpcStatus.deadlineExceeded, 'deadline exceeded at the proxy');
  }, deadlineMs);
  timer.unref();

  let trailers: OutgoingHttpHeaders | null = null;
  const endWithTrailers = (last: OutgoingHttpHeaders) => {
    trailers = last;
    if (!stream.writableEnded) stream.end();
  };
  stream.on('wantTrailers', () => stream.sendTrailers(trailers ?? {}));
  stream.on('close', () => {
    clearTimeout(timer);
    if (!upstream.closed) upstream.close(constants.NGHTTP2_CANCEL);
  });
  if (!stream.endAfterHeaders) stream.pipe(upstream);

  upstream.on('response', (responseHeaders, flags) => {
    const out: OutgoingHttpHeaders = {};
    for (const name of Object.keys(responseHeaders)) {
      if (notForwarded.has(name)) continue;
      out[name] = responseHeaders[name];
    }
    // A trailers-only response (END_STREAM on the headers) is passed on as one.
    const only = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    if (stream.destroyed || stream.closed) return;
    stream.respond(out, only ? { endStream: true } : { waitForTrailers: true });
    if (only) clearTimeout(timer);
  });
  upstream.on('data', (chunk: Buffer) => {
    if (!stream.write(chunk)) {
      upstream.pause();
      stream.once('drain', () => upstream.resume());
    }
  });
  upstream.on('trailers', (upstreamTrailers) => {
    const out: OutgoingHttpHeaders = {};
    for (const name of Object.keys(upstreamTrailers)) if (name.charCodeAt(0) !== 58) out[name] = upstreamTrailers[name];
    trailers = out;
  });
  upstream.on('end', () => {
    clearTimeout(timer);
    if (stream.headersSent && !stream.writableEnded) stream.end();
  });
  upstream.on('error', (error: Error) => {
    clearTimeout(timer);
    if (!stream.headersSent) {
      target.failedUntil = Date.now() + 1000;
      answer(stream, grpcStatus.unavailable, `upstream: ${error.message}`);
    } else endWithTrailers({ 'grpc-status': String(grpcStatus.unavailable), 'grpc-message': 'upstream failed' });
  });
  upstream.on('close', () => {
    clearTimeout(timer);
    if (stream.destroyed || stream.closed) return;
    if (!stream.headersSent) answer(stream, grpcStatus.unavailable, `upstream reset the call (${upstream.rstCode})`);
    else if (!stream.writableEnded)
      endWithTrailers(
        trailers ?? { 'grpc-status': String(grpcStatus.unavailable), 'grpc-message': 'upstream reset the call' },
      );
  });
}
