import { RequestView } from '@alb/dslx';
import type { Socket } from 'node:net';
import type { HeaderList } from '../actions/header-rewrite.ts';
import type { RequestContext } from '../actions/request-context.ts';
import { appendFields } from '../auth/append-fields.ts';
import type { AuthVerdict, RouteAuth } from '../auth/route-auth.ts';
import type { Endpoint } from '../balancer/endpoint.ts';
import { ChunkedDecoder } from '../http/chunked-decoder.ts';
import { headBuilder } from '../http/head-builder.ts';
import type { HeadError } from '../http/head-error.ts';
import { parseRequestHead, type RequestHead } from '../http/request-head.ts';
import { parseResponseHead, type ResponseHead } from '../http/response-head.ts';
import { statusText } from '../http/status-text.ts';
import { resolveClientIp } from '../http/trusted-proxies.ts';
import type { Route } from '../router/route.ts';
import { RequestTrace } from '../tracing/request-trace.ts';
import { routeRequest } from '../router/route-request.ts';
import { writeBorrowed, writeHead } from './borrowed-write.ts';
import { buildClientHead, buildTunnelHead, buildUpstreamHead } from './forward-heads.ts';
import type { ListenerContext } from './listener-context.ts';
import { localResponse } from './local-response.ts';
import { writeToSocket } from './socket-write.ts';
import { shouldRetry, type UpstreamFailure } from './retry-decision.ts';
import type { UpstreamConnection, UpstreamOwner } from './upstream-pool.ts';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CHUNK_END = Buffer.from('0\r\n\r\n');
const CONTINUE_100 = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');

/**
 * Where a connection is: reading a head, sending a request body, waiting for (or relaying) the response with the
 * request fully sent, dropping a body nobody wants, tunnelling an upgraded connection, or closed.
 */
const HEAD = 0;
const BODY = 1;
const WAITING = 2;
const DISCARD = 3;
const TUNNEL = 4;
const CLOSED = 5;

/** Request body framing. */
const NO_BODY = 0;
const SIZED = 1;
const CHUNKED = 2;

/** A body the proxy did not forward (error, redirect) is read and dropped up to this size; bigger closes. */
const MAX_DISCARD_BYTES = 64 * 1024;
/** Body bytes held while the upstream connection opens, before the client is paused. */
const MAX_EARLY_BODY_BYTES = 64 * 1024;

/**
 * One HTTP/1.1 client connection, over plain TCP or TLS: reads request heads strictly, routes each request,
 * proxies it to an upstream (streaming both bodies with backpressure), and keeps the connection for the next
 * request (pipelined or not) when both sides allow it. One exchange at a time; bytes of a pipelined next request
 * wait in `input`.
 *
 * Hot path notes: client bytes arrive in a shared read buffer (plain TCP) and are parsed in place; the upstream
 * head is built while they are valid, and only bytes kept for later are copied. Heads are forwarded by copying the
 * kept lines byte for byte into one Buffer (no strings per header); the response head and the first body bytes
 * leave in one write; upstream data arrives in a shared read buffer too; timeouts are checked by the listener's
 * sweeper, not timers.
 */
export class Http1Connection implements UpstreamOwner {
  readonly socket: Socket;
  private readonly listener: ListenerContext;
  private readonly peerIp: string;
  /** `https` on a TLS port: what X-Forwarded-Proto, redirects and the affinity cookie's Secure flag say. */
  private readonly scheme: 'http' | 'https';
  private phase = HEAD;
  /** Re-entrancy guard: readHeads may be reached again from inside an exchange it started. */
  private readingHeads = false;
  /**
   * Client bytes not handled yet. Inside `onClientData` they may still be the caller's shared read buffer
   * (`inputBorrowed`); before it returns, whatever is left is copied.
   */
  private input: Buffer | null = null;
  private inputBorrowed = false;
  /** When the current head started arriving (0: idle between requests). */
  headStartedAt = 0;
  lastActivity: number;
  /**
   * The time of the event being handled (a read, a connect, a failure, a sweep), taken once when it starts: every
   * timestamp and deadline inside the event uses it (Date.now() costs 100+ ns on some VMs; a request used to call it
   * seven times). Each entry point that can reach a deadline refreshes it.
   */
  private now: number;
  private served = 0;
  /** Called once the socket is closed, whatever closed it. */
  onClose: (() => void) | null = null;

  // The current exchange.
  private head: RequestHead | null = null;
  /** The request head for the upstream, built while the client's bytes were valid (sent again on a retry). */
  private upstreamHead: Buffer | null = null;
  private route: Route | null = null;
  private ctx: RequestContext | null = null;
  private closeAfterResponse = false;
  private upstream: UpstreamConnection | null = null;
  private endpoint: Endpoint | null = null;
  private attempts = 0;
  private requestMode = NO_BODY;
  private requestRemaining = 0;
  private requestDecoder: ChunkedDecoder | null = null;
  private requestBodyDone = true;
  private requestBodyBytesSent = 0;
  private upstreamReady = false;
  /** Upstream inactivity deadline (connect, send or read timeout), 0 when none. */
  upstreamDeadline = 0;
  private responseBuffer: Buffer | null = null;
  private response: ResponseHead | null = null;
  private responseRemaining = 0;
  private responseDecoder: ChunkedDecoder | null = null;
  /** Re-encode the response body as chunked to the client (upstream chunked or read-until-close, HTTP/1.1 client). */
  private chunkToClient = false;
  private responseStarted = false;
  private exchangeStartedAt = 0;
  private upstreamSentAt = 0;
  private affinityCookie: string | null = null;
  private status = 0;
  /** The exchange's spans when its route is traced (null otherwise, and between exchanges). */
  private trace: RequestTrace | null = null;

  /** `socket` is connected; its bytes come through `onClientData` (the listener wires how). */
  constructor(socket: Socket, listener: ListenerContext, now: number, scheme: 'http' | 'https') {
    this.socket = socket;
    this.listener = listener;
    this.scheme = scheme;
    this.peerIp = normalizePeer(socket.remoteAddress);
    this.lastActivity = now;
    this.now = now;
    listener.stats.activeConnections++;
    socket.on('end', () => this.onClientEnd());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClosed());
    socket.on('drain', () => {
      if (this.upstream !== null) this.upstream.socket.resume();
    });
  }

  /** Whether any request was served (the first request gets the header timeout, later ones the idle timeout). */
  get servedAny(): boolean {
    return this.served > 0;
  }

  /** Idle between requests (or before the first): safe to close without losing anything. */
  get idle(): boolean {
    return this.phase === HEAD && this.input === null;
  }

  /** Closes the connection at once (shutdown deadline, idle timeout). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Called when the header timeout passed with a partial head: 408, then close. */
  timeOutHead(): void {
    if (this.phase !== HEAD) return;
    if (this.input === null) this.destroy();
    else this.refuse({ status: 408, reason: 'request head not received in time' });
  }

  /** Called by the sweeper when the upstream deadline passed (in a tunnel: when it was idle too long). */
  timeOutUpstream(): void {
    this.now = Date.now();
    this.upstreamDeadline = 0;
    const conn = this.upstream;
    if (this.phase === CLOSED) return;
    if (this.phase === TUNNEL) {
      this.socket.destroy();
      return;
    }
    if (this.response !== null) {
      this.upstreamBroke();
      return;
    }
    const connecting = conn !== null && !conn.connected;
    if (connecting) this.markEndpointFailed();
    this.upstreamFailed(
      504,
      connecting ? 'upstream connect timed out' : 'upstream timed out',
      connecting ? 'connect' : 'timeout',
    );
  }

  // ---- client side ----

  /**
   * Client bytes `buf[0, length)`. `borrowed`: the buffer is shared and valid only during this call (anything
   * kept is copied before it returns); otherwise the chunk is this connection's (a stream socket's 'data').
   */
  onClientData(buf: Buffer, length: number, borrowed: boolean): void {
    const now = Date.now();
    this.now = now;
    this.lastActivity = now;
    const phase = this.phase;
    if (phase === TUNNEL) {
      this.upstreamDeadline = now + this.route!.readTimeoutMs;
      const upstream = this.upstream;
      if (upstream === null) return;
      const writable = borrowed ? writeBorrowed(upstream.socket, buf, 0, length) : upstream.socket.write(buf);
      if (!writable) this.socket.pause();
      return;
    }
    if (phase === CLOSED) return;
    const chunk = length === buf.length ? buf : buf.subarray(0, length);
    if (this.input === null) {
      this.input = chunk;
      this.inputBorrowed = borrowed;
    } else {
      this.input = Buffer.concat([this.input, chunk]);
      this.inputBorrowed = false;
    }
    if (phase === HEAD) this.readHeads();
    else if (phase === BODY) this.forwardRequestBody();
    else if (phase === DISCARD) this.discardRequestBody();
    else if (this.input.length > this.listener.settings.limits.maxHeadBytes) this.socket.pause(); // pipelined backlog
    // What is left waits for later: it must not stay in a buffer the next read overwrites.
    if (this.inputBorrowed) {
      if (this.input !== null) this.input = copy(this.input, 0, this.input.length);
      this.inputBorrowed = false;
    }
  }

  private onClientEnd(): void {
    // A half-close after a complete request is fine (the response still goes out); mid-request it is not.
    if (this.phase === WAITING) this.closeAfterResponse = true;
    else if (this.phase === TUNNEL) this.upstream?.socket.end();
    else if (this.phase === HEAD && this.input === null) this.socket.end();
    else this.socket.destroy();
  }

  private onClosed(): void {
    this.phase = CLOSED;
    if (this.trace !== null) this.endTrace(0);
    this.listener.stats.activeConnections--;
    this.dropUpstream();
    this.onClose?.();
  }

  /** Ends the connection after what was written (plus `last`); the socket's close event does the rest. */
  private endConnection(last?: Buffer): void {
    this.phase = CLOSED;
    this.input = null;
    this.inputBorrowed = false;
    if (last === undefined) this.socket.end();
    else this.socket.end(last);
  }

  /** Parses and starts as many requests as the buffered input holds, one exchange at a time. */
  private readHeads(): void {
    if (this.readingHeads) return;
    this.readingHeads = true;
    try {
      this.readHeadsLoop();
    } finally {
      this.readingHeads = false;
    }
  }

  private readHeadsLoop(): void {
    while (this.phase === HEAD && this.input !== null) {
      const input = this.input;
      let start = 0;
      // RFC 9112 2.2: empty lines before a request-line are ignored.
      while (start + 1 < input.length && input[start] === 13 && input[start + 1] === 10) start += 2;
      const end = input.indexOf(CRLFCRLF, start);
      if (end === -1) {
        this.input = start === input.length ? null : start === 0 ? input : input.subarray(start);
        if (this.input !== null) this.checkPartialHead(this.input);
        return;
      }
      const headBuf = start === 0 ? input : input.subarray(start);
      const headEnd = end - start;
      if (headEnd > this.listener.settings.limits.maxHeadBytes) {
        this.refuse({ status: 431, reason: 'request head too large' });
        return;
      }
      this.input = end + 4 === input.length ? null : input.subarray(end + 4);
      const head = parseRequestHead(headBuf, headEnd, this.listener.settings.limits);
      if ('status' in head) {
        this.refuse(head);
        return;
      }
      this.startExchange(head);
    }
  }

  /** A head still incomplete: refuse early what can never become valid. */
  private checkPartialHead(input: Buffer): void {
    if (this.headStartedAt === 0) this.headStartedAt = this.now;
    const limits = this.listener.settings.limits;
    if (input.length > limits.maxTargetBytes + 64 && input.indexOf(10) === -1) {
      this.refuse({ status: 414, reason: 'request-target too long' });
      return;
    }
    if (input.length > limits.maxHeadBytes) {
      this.refuse({ status: 431, reason: 'request head too large' });
      return;
    }
    // A bare LF can never be part of a valid head: answer now rather than wait for the timeout.
    for (let i = input.indexOf(10); i !== -1; i = input.indexOf(10, i + 1)) {
      if (i === 0 || input[i - 1] !== 13) {
        this.refuse({ status: 400, reason: 'bare LF in request head' });
        return;
      }
    }
  }

  /** Answers a malformed request and closes: after a framing error nothing more on this connection can be trusted. */
  private refuse(error: HeadError): void {
    const stats = this.listener.stats;
    stats.forRoute('').count(error.status);
    this.endConnection(
      localResponse(
        error.status,
        { close: true, body: `${error.status} ${statusText(error.status)}: ${error.reason}\n` },
        stats,
      ),
    );
  }

  private startExchange(head: RequestHead): void {
    this.headStartedAt = 0;
    this.served++;
    this.head = head;
    this.exchangeStartedAt = this.now;
    this.status = 0;
    this.attempts = 0;
    this.responseStarted = false;
    this.response = null;
    this.responseBuffer = null;
    this.affinityCookie = null;
    this.upstreamReady = false;
    const listener = this.listener;
    const state = listener.state; // read once: a config swap mid-request does not affect this exchange
    this.closeAfterResponse = !head.keepAlive || listener.draining || this.served >= state.keepalive.requests;
    this.requestMode = head.chunked ? CHUNKED : head.contentLength > 0 ? SIZED : NO_BODY;
    this.requestRemaining = head.contentLength > 0 ? head.contentLength : 0;
    this.requestDecoder = head.chunked ? new ChunkedDecoder(listener.settings.limits) : null;
    this.requestBodyDone = this.requestMode === NO_BODY;
    this.requestBodyBytesSent = 0;

    const headers = head.headers;
    const trusted = state.trusted;
    const clientIp =
      trusted === null
        ? this.peerIp
        : resolveClientIp(this.peerIp, headers['x-forwarded-for'], headers['x-real-ip'], trusted);
    const view = new RequestView({ method: head.method, url: head.target, headers, remoteAddress: clientIp });
    const ctx: RequestContext = { head, view, clientIp, scheme: this.scheme, port: listener.port };
    this.ctx = ctx;
    const decided = routeRequest(state, ctx, listener.stats);
    if (decided.kind === 'local') {
      this.route = decided.route;
      this.respondLocally(decided.status, decided.reason, decided.headers);
      return;
    }
    const route = decided;
    this.route = route;
    if (route.tracing !== null) this.trace = new RequestTrace(route.tracing, ctx, route.name);
    if (head.upgrade !== null && upgradesToH2c(head.upgrade)) {
      // h2c upgrades through a proxy let clients smuggle HTTP/2 past its rules; refuse them.
      this.respondLocally(400, 'h2c upgrade is not allowed', null);
      return;
    }
    // Built now, while the head's bytes are valid (they may sit in the shared read buffer); sent when the upstream
    // connection is ready, and again if the request is retried on another one.
    this.upstreamHead = buildUpstreamHead(
      ctx,
      route,
      this.peerIp,
      trusted !== null && trusted.trusts(this.peerIp),
      this.requestMode === CHUNKED,
      listener.stats,
    );
    this.phase = this.requestBodyDone ? WAITING : BODY;
    if (route.auth !== null) {
      this.authorize(route.auth, ctx);
      return;
    }
    this.connectUpstream(null);
  }

  /**
   * Auth before the upstream is contacted. While a check is pending the request body waits (up to the early-body
   * limit, then the client is paused), as it does while an upstream connection opens.
   */
  private authorize(auth: RouteAuth, ctx: RequestContext): void {
    const verdict = auth.authorize(ctx);
    if (!(verdict instanceof Promise)) {
      this.afterAuth(verdict);
      return;
    }
    // The verdict comes back in a later event: the clock is read again before deadlines are set from it.
    verdict.then(
      (v) => {
        if (this.ctx !== ctx || this.phase === CLOSED) return;
        this.now = Date.now();
        this.afterAuth(v);
      },
      () => {
        if (this.ctx !== ctx || this.phase === CLOSED) return;
        this.now = Date.now();
        this.respondLocally(500, 'AuthFail : auth check failed', null);
      },
    );
  }

  private afterAuth(verdict: AuthVerdict): void {
    if (!verdict.allow) {
      this.respondLocally(verdict.status, verdict.reason, verdict.headers);
      return;
    }
    if (verdict.upstreamHeaders !== null) {
      const head = appendFields(this.upstreamHead!, verdict.upstreamHeaders, this.listener.stats);
      if (head === null) {
        this.respondLocally(500, 'AuthFail : auth response header would carry control characters', null);
        return;
      }
      this.upstreamHead = head;
    }
    this.connectUpstream(null);
  }

  // ---- local responses ----

  private respondLocally(status: number, reason: string | null, headers: HeaderList | null): void {
    this.status = status;
    // A body we will not forward is read and dropped if small, else the connection closes after the answer.
    if (!this.requestBodyDone && (this.requestMode === CHUNKED || this.requestRemaining > MAX_DISCARD_BYTES)) {
      this.closeAfterResponse = true;
    }
    const close = this.closeAfterResponse || this.listener.draining;
    const response = localResponse(
      status,
      {
        reason: reason ?? undefined,
        headers: headers ?? undefined,
        close,
        keepAliveHeader: this.head!.versionMinor === 0,
      },
      this.listener.stats,
    );
    this.finishRequestStats();
    if (close) {
      this.endConnection(response);
      return;
    }
    this.socket.write(response);
    if (this.requestBodyDone) {
      this.nextRequest();
      return;
    }
    this.phase = DISCARD;
    this.socket.resume();
    this.discardRequestBody();
  }

  /** Back to reading heads: pipelined input first, then the socket. */
  private nextRequest(): void {
    this.phase = HEAD;
    this.forgetExchange();
    if (this.socket.isPaused()) this.socket.resume();
    this.readHeads();
  }

  /**
   * Drops what the finished exchange allocated (head, parsed fields, request view, response head, decoders). Kept
   * until the next request, they would outlive a young-generation collection on every busy connection and be
   * promoted to the old generation, which only a full collection frees.
   */
  private forgetExchange(): void {
    this.head = null;
    this.ctx = null;
    this.route = null;
    this.response = null;
    this.responseBuffer = null;
    this.responseDecoder = null;
    this.requestDecoder = null;
    this.upstreamHead = null;
    this.endpoint = null;
  }

  private discardRequestBody(): void {
    const input = this.input;
    if (input === null) return;
    const take = Math.min(this.requestRemaining, input.length);
    this.requestRemaining -= take;
    this.input = take === input.length ? null : input.subarray(take);
    if (this.requestRemaining === 0) {
      this.requestBodyDone = true;
      this.nextRequest();
    }
  }

  // ---- upstream side ----

  private connectUpstream(exclude: Endpoint | null): void {
    const route = this.route!;
    const now = this.now;
    const pick = route.balancer!.pick(this.ctx!, exclude, (e) => e.target.failedUntil > now);
    if (pick === null) {
      this.respondLocally(500, 'InvalidBalancer : no valid backends', null);
      return;
    }
    this.attempts++;
    this.endpoint = pick.endpoint;
    if (pick.setCookie !== null) this.affinityCookie = pick.setCookie;
    const target = pick.endpoint.target;
    if (this.trace !== null)
      this.upstreamHead = this.trace.headForAttempt(this.upstreamHead!, target.address, target.port);
    const pool = target.pool(route.tls);
    const idle = pool.takeIdle();
    if (idle !== null) {
      idle.owner = this;
      this.upstream = idle;
      this.upstreamConnected();
      return;
    }
    this.upstream = pool.open(this, now);
    this.upstreamDeadline = now + route.connectTimeoutMs;
  }

  /** A connection this exchange opened is established (an event: the clock moved on). */
  onUpstreamConnect(): void {
    this.now = Date.now();
    this.upstreamConnected();
  }

  /** The upstream connection is ready (opened now, or taken idle from the pool): send the request. */
  private upstreamConnected(): void {
    const conn = this.upstream;
    if (conn === null) return;
    const now = this.now;
    if (this.phase === CLOSED) {
      conn.pool.release(conn, now);
      this.upstream = null;
      return;
    }
    this.upstreamReady = true;
    const route = this.route!;
    this.upstreamSentAt = now;
    this.upstreamDeadline = now + (this.requestBodyDone ? route.readTimeoutMs : route.sendTimeoutMs);
    let head = this.upstreamHead!;
    // A sized body already received goes out in the same write as the head.
    if (this.requestMode === SIZED && this.input !== null && this.phase === BODY) {
      const input = this.input;
      const take = Math.min(this.requestRemaining, input.length);
      head = Buffer.concat([head, input.subarray(0, take)]);
      this.requestRemaining -= take;
      this.requestBodyBytesSent += take;
      this.input = take === input.length ? null : input.subarray(take);
      if (this.requestRemaining === 0) this.requestBodyDone = true;
    }
    const writable = writeToSocket(conn.socket, head);
    if (this.head!.expectContinue && !this.requestBodyDone && this.requestBodyBytesSent === 0)
      this.socket.write(CONTINUE_100);
    if (this.requestBodyDone) this.onRequestSent();
    else if (this.phase === BODY) this.forwardRequestBody();
    if (!writable && !this.requestBodyDone) this.socket.pause();
    else if (this.phase !== CLOSED && this.socket.isPaused()) this.socket.resume();
  }

  /** Sends buffered request body bytes upstream (re-framed when chunked), with backpressure. */
  private forwardRequestBody(): void {
    const conn = this.upstream;
    const input = this.input;
    if (conn === null || !this.upstreamReady) {
      // Still connecting: hold a little, then stop reading until there is somewhere to send it.
      if (input !== null && input.length > MAX_EARLY_BODY_BYTES) this.socket.pause();
      return;
    }
    if (input === null) return;
    let writable = true;
    const socket = conn.socket;
    if (this.requestMode === SIZED) {
      const take = Math.min(this.requestRemaining, input.length);
      writable = this.inputBorrowed
        ? writeBorrowed(socket, input, 0, take)
        : socket.write(take === input.length ? input : input.subarray(0, take));
      this.requestRemaining -= take;
      this.requestBodyBytesSent += take;
      this.input = take === input.length ? null : input.subarray(take);
      if (this.requestRemaining === 0) this.requestBodyDone = true;
    } else {
      const decoder = this.requestDecoder!;
      const stop = decoder.feed(input, 0, input.length, (buf, from, to) => {
        writable = writeHead(socket, headBuilder.text(`${(to - from).toString(16)}\r\n`), buf, from, to);
        socket.write('\r\n', 'latin1');
        this.requestBodyBytesSent += to - from;
      });
      if (decoder.error !== null) {
        this.failRequestBody(decoder.error);
        return;
      }
      this.input = stop === input.length ? null : input.subarray(stop);
      if (decoder.done) {
        writable = socket.write(CHUNK_END);
        this.requestBodyDone = true;
      }
    }
    this.upstreamDeadline = this.now + this.route!.sendTimeoutMs;
    if (this.requestBodyDone) {
      this.onRequestSent();
      return;
    }
    if (!writable) this.socket.pause();
  }

  /** The whole request is upstream: now only the response is awaited (or being relayed). */
  private onRequestSent(): void {
    if (this.phase === BODY) this.phase = WAITING;
    if (this.response === null) this.upstreamDeadline = this.now + this.route!.readTimeoutMs;
    if (this.input !== null && this.input.length > this.listener.settings.limits.maxHeadBytes) this.socket.pause();
  }

  /** The client's chunked framing broke mid-body: nothing on either connection can be trusted any more. */
  private failRequestBody(reason: string): void {
    this.dropUpstream();
    if (this.responseStarted) {
      this.socket.destroy();
      return;
    }
    const stats = this.listener.stats;
    stats.forRoute(this.route?.name ?? '').count(400);
    this.endConnection(localResponse(400, { close: true, body: `400 Bad Request: ${reason}\n` }, stats));
  }

  onUpstreamDrain(): void {
    if (this.phase === BODY || this.phase === TUNNEL) this.socket.resume();
  }

  onUpstreamData(buf: Buffer, length: number): void {
    if (this.upstream === null) return;
    const now = Date.now();
    this.now = now;
    if (this.phase === TUNNEL) {
      this.upstreamDeadline = now + this.route!.readTimeoutMs;
      if (!writeBorrowed(this.socket, buf, 0, length)) this.upstream.socket.pause();
      return;
    }
    if (this.response === null) {
      this.readResponseHead(buf, length);
      return;
    }
    this.upstreamDeadline = now + this.route!.readTimeoutMs;
    this.forwardResponseBody(buf, 0, length, null);
  }

  private readResponseHead(chunk: Buffer, length: number): void {
    // The chunk may be the shared read buffer: parse it in place when the head is complete (the usual case), and
    // keep a private copy only of an incomplete head.
    let buf: Buffer;
    let bufEnd: number;
    if (this.responseBuffer === null) {
      buf = chunk;
      bufEnd = length;
    } else {
      buf = Buffer.concat([this.responseBuffer, chunk.subarray(0, length)]);
      bufEnd = buf.length;
    }
    const limits = this.listener.settings.limits;
    let start = 0;
    for (;;) {
      const end = buf.indexOf(CRLFCRLF, start);
      // The limit holds wherever the reads happen to split the head.
      if ((end === -1 || end + 4 > bufEnd ? bufEnd : end) - start > limits.maxHeadBytes) {
        this.upstreamFailed(502, 'upstream response head too large', null);
        return;
      }
      if (end === -1 || end + 4 > bufEnd) {
        this.responseBuffer = Buffer.from(buf.subarray(start, bufEnd));
        return;
      }
      const headBuf = start === 0 ? buf : buf.subarray(start, bufEnd);
      const parsed = parseResponseHead(headBuf, end - start, this.head!.method, limits);
      if (typeof parsed === 'string') {
        this.upstreamFailed(502, `invalid upstream response: ${parsed}`, null);
        return;
      }
      if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) {
        // Interim responses (100, 103) are consumed here: the proxy answers Expect itself.
        start = end + 4;
        if (start === bufEnd) {
          this.responseBuffer = null;
          return;
        }
        continue;
      }
      this.responseBuffer = null;
      this.onResponseHead(parsed, end + 4 - start, bufEnd - start);
      return;
    }
  }

  /** `response.source[bodyStart, bodyEnd)` holds the first body bytes (possibly in the shared read buffer). */
  private onResponseHead(response: ResponseHead, bodyStart: number, bodyEnd: number): void {
    this.response = response;
    this.status = response.status;
    if (this.trace !== null) this.trace.endClient(response.status);
    const now = this.now;
    this.listener.stats.upstreamLatency.observe((now - this.upstreamSentAt) / 1000);
    this.upstreamDeadline = now + this.route!.readTimeoutMs;
    const head = this.head!;
    const source = response.source;
    if (response.status === 101) {
      if (head.upgrade === null) {
        this.upstreamFailed(502, 'upstream switched protocols without being asked', null);
        return;
      }
      this.startTunnel(response, bodyStart, bodyEnd);
      return;
    }
    if (!this.requestBodyDone) {
      // The upstream answered before reading the whole body: neither connection can carry another request.
      this.closeAfterResponse = true;
    }
    const framing = response.framing;
    this.responseRemaining = framing === 'length' ? response.contentLength : 0;
    this.responseDecoder = framing === 'chunked' ? new ChunkedDecoder(this.listener.settings.limits) : null;
    const clientIsHttp11 = head.versionMinor === 1;
    this.chunkToClient = clientIsHttp11 && (framing === 'chunked' || framing === 'close');
    if (!clientIsHttp11 && (framing === 'chunked' || framing === 'close')) this.closeAfterResponse = true;
    // A drain that began while this request was in flight: the client learns the connection ends with it.
    if (this.listener.draining) this.closeAfterResponse = true;
    const route = this.route!;
    const pending = buildClientHead(
      response,
      this.ctx!,
      route,
      this.closeAfterResponse,
      this.chunkToClient,
      this.affinityCookie === null ? null : `${route.balancer!.affinityCookieName}=${this.affinityCookie}`,
      this.listener.stats,
    );
    this.responseStarted = true;
    if (framing === 'none') {
      writeHead(this.socket, pending);
      this.finishExchange();
      return;
    }
    this.forwardResponseBody(source, bodyStart, bodyEnd, pending);
  }

  /**
   * Relays response body bytes `buf[start, end)` to the client (copying them: `buf` may be the shared read buffer).
   * With `pending`, the response head is still in the builder and leaves in the same write as the first bytes.
   */
  private forwardResponseBody(buf: Buffer, start: number, end: number, pending: typeof headBuilder | null): void {
    const client = this.socket;
    let writable = true;
    let done = false;
    switch (this.response!.framing) {
      case 'length': {
        const take = Math.min(this.responseRemaining, end - start);
        if (take < end - start) this.response!.reusable = false; // more bytes than announced: out of sync
        this.responseRemaining -= take;
        writable =
          pending !== null
            ? writeHead(client, pending, buf, start, start + take)
            : writeBorrowed(client, buf, start, start + take);
        done = this.responseRemaining === 0;
        break;
      }
      case 'chunked': {
        const decoder = this.responseDecoder!;
        const rechunk = this.chunkToClient;
        let head = pending;
        decoder.feed(buf, start, end, (data, from, to) => {
          const out = head ?? headBuilder;
          if (rechunk) out.text(`${(to - from).toString(16)}\r\n`);
          out.bytes(data, from, to);
          if (rechunk) out.text('\r\n');
          writable = writeHead(client, out);
          head = null;
        });
        if (head !== null) writable = writeHead(client, head);
        if (decoder.error !== null) {
          this.upstreamBroke();
          return;
        }
        if (decoder.done) {
          if (rechunk) client.write(CHUNK_END);
          done = true;
        }
        break;
      }
      case 'close': {
        const out = pending ?? headBuilder;
        if (end > start) {
          if (this.chunkToClient) out.text(`${(end - start).toString(16)}\r\n`);
          out.bytes(buf, start, end);
          if (this.chunkToClient) out.text('\r\n');
        }
        writable = writeHead(client, out);
        break;
      }
    }
    if (done) {
      this.finishExchange();
      return;
    }
    if (!writable) this.upstream?.socket.pause();
  }

  onUpstreamEnd(): void {
    this.now = Date.now();
    if (this.phase === TUNNEL) {
      this.socket.end(); // half-close passes through the tunnel; each side closes its own half
      return;
    }
    if (this.response !== null && this.response.framing === 'close') {
      if (this.chunkToClient) this.socket.write(CHUNK_END);
      this.finishExchange();
      return;
    }
    this.onUpstreamError(new Error('upstream closed the connection'));
  }

  onUpstreamError(error: Error): void {
    this.now = Date.now();
    const conn = this.upstream;
    if (this.phase === TUNNEL || this.phase === CLOSED) {
      this.socket.destroy();
      return;
    }
    if (this.response !== null) {
      this.upstreamBroke();
      return;
    }
    const neverConnected = conn !== null && !conn.connected;
    if (neverConnected) this.markEndpointFailed();
    const timedOut = (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    this.upstreamFailed(
      timedOut ? 504 : 502,
      describeUpstreamError(error),
      neverConnected ? 'connect' : timedOut ? 'timeout' : 'closed',
    );
  }

  /** Passive health: an endpoint that refused or timed out a connect rests for the cool-down. */
  private markEndpointFailed(): void {
    this.listener.stats.upstreamErrors++;
    this.endpoint!.target.failedUntil = Date.now() + this.listener.settings.failCooldownMs;
  }

  /**
   * The upstream failed before a response: retried when `shouldRetry` says so (`failure` null: never, the
   * upstream answered something invalid); otherwise answered 502/504.
   */
  private upstreamFailed(status: number, reason: string, failure: UpstreamFailure | null): void {
    const failed = this.endpoint;
    const conn = this.upstream;
    const retry =
      failure !== null &&
      shouldRetry({
        method: this.head!.method,
        failure,
        reusedConnection: conn !== null && conn.reused,
        bodyBytesSent: this.requestBodyBytesSent,
        responseBytesReceived: this.responseBuffer !== null,
        attempts: this.attempts,
      });
    this.dropUpstream();
    if (this.phase === CLOSED) return;
    if (retry) {
      this.responseBuffer = null;
      this.upstreamReady = false;
      this.connectUpstream(failed);
      return;
    }
    this.closeAfterResponse = this.closeAfterResponse || !this.requestBodyDone;
    this.respondLocally(status, `${status === 504 ? 'UpstreamTimeout' : 'BadGateway'} : ${reason}`, null);
  }

  /** The upstream failed after the response started: the client cannot be told, so its connection is closed. */
  private upstreamBroke(): void {
    this.listener.stats.upstreamErrors++;
    this.finishRequestStats();
    this.dropUpstream();
    this.socket.destroy();
  }

  /** After a 101: bytes flow both ways untouched until either side closes or both stay silent for the read timeout. */
  private startTunnel(response: ResponseHead, bodyStart: number, bodyEnd: number): void {
    const conn = this.upstream!;
    this.phase = TUNNEL;
    this.upstreamDeadline = this.now + this.route!.readTimeoutMs;
    const b = buildTunnelHead(response, response.upgrade ?? this.head!.upgrade!);
    this.finishRequestStats();
    writeHead(this.socket, b, response.source, bodyStart, bodyEnd);
    if (this.input !== null) {
      conn.socket.write(this.inputBorrowed ? copy(this.input, 0, this.input.length) : this.input);
      this.input = null;
    }
    if (this.socket.isPaused()) this.socket.resume();
  }

  /** The response is complete: recycle the upstream connection, then serve the next request or close. */
  private finishExchange(): void {
    const conn = this.upstream;
    this.upstream = null;
    this.upstreamHead = null;
    this.upstreamDeadline = 0;
    if (conn !== null) {
      if (conn.socket.isPaused()) conn.socket.resume();
      if (this.response!.reusable && this.requestBodyDone) conn.pool.release(conn, this.now);
      else conn.destroy();
    }
    this.finishRequestStats();
    if (this.closeAfterResponse || this.listener.draining || this.phase === CLOSED) {
      this.endConnection();
      return;
    }
    this.nextRequest();
  }

  private finishRequestStats(): void {
    if (this.trace !== null) this.endTrace(this.status);
    const route = this.route;
    (route === null ? this.listener.stats.forRoute('') : route.stats).count(this.status);
    const log = this.listener.settings.accessLog;
    if (log !== null && this.head !== null) {
      log.info({
        port: this.listener.port,
        method: this.head.method,
        target: this.head.target,
        host: this.head.host,
        status: this.status,
        rule: route?.name ?? null,
        upstream: this.endpoint?.target.key ?? null,
        client: this.ctx?.clientIp ?? this.peerIp,
        ms: Date.now() - this.exchangeStartedAt,
      });
    }
  }

  private endTrace(status: number): void {
    this.trace!.end(status);
    this.trace = null;
  }

  private dropUpstream(): void {
    const conn = this.upstream;
    this.upstream = null;
    this.upstreamDeadline = 0;
    if (conn !== null) conn.destroy();
  }
}

function copy(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  buf.copy(out, 0, start, end);
  return out;
}

function normalizePeer(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Whether an Upgrade header asks for h2c (a comma-separated list of protocols). */
function upgradesToH2c(upgrade: string): boolean {
  return upgrade
    .toLowerCase()
    .split(',')
    .some((t) => t.trim() === 'h2c');
}

function describeUpstreamError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return error.message;
}
