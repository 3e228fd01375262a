import { RequestView } from '@alb/dslx';
import type { Socket } from 'node:net';
import { applyHeaderRewrite, type HeaderList } from '../actions/header-rewrite.ts';
import { corsHeaders } from '../actions/cors.ts';
import { encodePath, rawQuery } from '../actions/path-encoding.ts';
import type { RequestContext } from '../actions/request-context.ts';
import type { Endpoint } from '../balancer/endpoint.ts';
import { ChunkedDecoder } from '../http/chunked-decoder.ts';
import { parseRequestHead, type HeadError, type RequestHead } from '../http/request-head.ts';
import { parseResponseHead, type ResponseHead } from '../http/response-head.ts';
import { resolveClientIp } from '../http/trusted-proxies.ts';
import { statusText } from '../http/status-text.ts';
import type { Route } from '../router/route.ts';
import type { ListenerContext } from './listener-context.ts';
import { localResponse } from './local-response.ts';
import type { UpstreamConnection, UpstreamOwner } from './upstream-pool.ts';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CHUNK_END = Buffer.from('0\r\n\r\n');
const CRLF = '\r\n';

/** Where a connection is: reading a head, sending a request body, waiting for the response, dropping an
 * unwanted body, tunnelling an upgraded connection, or closed. */
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

/** Hop-by-hop fields, and the ones the proxy sets itself: never copied from the client to the upstream. */
const requestFieldsNotForwarded = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
  'x-real-ip',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
]);

/** Hop-by-hop fields of a response: never copied from the upstream to the client. */
const responseFieldsNotForwarded = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** A body the proxy did not forward (error, redirect) is read and dropped up to this size; bigger closes. */
const MAX_DISCARD_BYTES = 64 * 1024;

/**
 * One client connection: reads request heads strictly, routes each request, proxies it to an upstream (streaming
 * both bodies with backpressure), and keeps the connection for the next request (pipelined or not) when both
 * sides allow it. One exchange at a time; bytes of a pipelined next request wait in `input`.
 */
export class ClientConnection implements UpstreamOwner {
  readonly socket: Socket;
  private readonly listener: ListenerContext;
  private readonly peerIp: string;
  private phase = HEAD;
  /** Re-entrancy guard: readHeads may be reached again from inside an exchange it started. */
  private readingHeads = false;
  private input: Buffer | null = null;
  /** When the current head started arriving (0: idle between requests). */
  headStartedAt = 0;
  lastActivity: number;
  private served = 0;

  // The current exchange.
  private head: RequestHead | null = null;
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
  private responseBuffer: Buffer | null = null;
  private response: ResponseHead | null = null;
  private responseMode: 'none' | 'length' | 'chunked' | 'close' = 'none';
  private responseRemaining = 0;
  private responseDecoder: ChunkedDecoder | null = null;
  /** Re-encode the response body as chunked to the client (upstream read-until-close, HTTP/1.1 client). */
  private chunkToClient = false;
  private responseStarted = false;
  private exchangeStartedAt = 0;
  private upstreamSentAt = 0;
  private affinityCookie: string | null = null;
  private status = 0;

  constructor(socket: Socket, listener: ListenerContext, now: number) {
    this.socket = socket;
    this.listener = listener;
    this.peerIp = normalizePeer(socket.remoteAddress);
    this.lastActivity = now;
    socket.setNoDelay(true);
    listener.stats.activeConnections++;
    socket.on('data', (chunk: Buffer) => this.onClientData(chunk));
    socket.on('end', () => this.onClientEnd());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClosed());
    socket.on('drain', () => {
      if (this.upstream !== null) this.upstream.socket.resume();
    });
  }

  /** Called once the socket is closed, whatever closed it. */
  onClose: (() => void) | null = null;

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

  // ---- client side ----

  private onClientData(chunk: Buffer): void {
    this.lastActivity = Date.now();
    switch (this.phase) {
      case TUNNEL:
        if (this.upstream !== null && !this.upstream.socket.write(chunk)) this.socket.pause();
        return;
      case CLOSED:
        return;
    }
    this.input = this.input === null ? chunk : Buffer.concat([this.input, chunk]);
    if (this.phase === HEAD) this.readHeads();
    else if (this.phase === BODY) this.forwardRequestBody();
    else if (this.phase === DISCARD) this.discardRequestBody();
    else if (this.input.length > this.listener.settings.limits.maxHeadBytes) this.socket.pause(); // pipelined backlog
  }

  private onClientEnd(): void {
    // A half-close after a complete request is fine (the response still goes out); mid-request it is not.
    if (this.phase === WAITING) this.closeAfterResponse = true;
    else if (this.phase === TUNNEL) this.upstream?.socket.end();
    else if (this.phase === HEAD && this.input === null) this.socket.end();
    else this.socket.destroy();
  }

  private onClosed(): void {
    if (this.phase !== CLOSED) this.phase = CLOSED;
    this.listener.stats.activeConnections--;
    this.dropUpstream();
    this.onClose?.();
  }

  /** Ends the connection after what was written (or with `last`); the socket's close event does the rest. */
  private endConnection(last?: string): void {
    this.phase = CLOSED;
    this.input = null;
    if (last === undefined) this.socket.end();
    else this.socket.end(last, 'latin1');
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
      const rest = end + 4 === input.length ? null : input.subarray(end + 4);
      this.input = rest;
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
    if (this.headStartedAt === 0) this.headStartedAt = Date.now();
    const limits = this.listener.settings.limits;
    const lineEnd = input.indexOf(10);
    if (lineEnd === -1 && input.length > limits.maxTargetBytes + 64) {
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
    this.listener.stats.forRoute('').count(error.status);
    this.endConnection(
      localResponse(error.status, {
        close: true,
        body: `${error.status} ${statusText(error.status)}: ${error.reason}\n`,
      }),
    );
  }

  private startExchange(head: RequestHead): void {
    this.headStartedAt = 0;
    this.served++;
    this.head = head;
    this.exchangeStartedAt = Date.now();
    this.status = 0;
    this.attempts = 0;
    this.responseStarted = false;
    this.response = null;
    this.responseBuffer = null;
    this.affinityCookie = null;
    const listener = this.listener;
    this.closeAfterResponse = !head.keepAlive || listener.draining || this.served >= listener.keepalive.requests;
    this.requestMode = head.chunked ? CHUNKED : head.contentLength > 0 ? SIZED : NO_BODY;
    this.requestRemaining = head.contentLength > 0 ? head.contentLength : 0;
    this.requestDecoder = head.chunked ? new ChunkedDecoder(listener.settings.limits) : null;
    this.requestBodyDone = this.requestMode === NO_BODY;
    this.requestBodyBytesSent = 0;

    const clientIp = resolveClientIp(
      this.peerIp,
      head.headers['x-forwarded-for'],
      head.headers['x-real-ip'],
      listener.trusted,
    );
    const view = new RequestView({
      method: head.method,
      url: head.target,
      headers: head.headers,
      remoteAddress: clientIp,
    });
    const ctx: RequestContext = { head, view, clientIp, scheme: 'http', port: listener.port };
    this.ctx = ctx;
    const routing = listener.routing; // read once: a config swap mid-request does not affect this exchange
    const matched = routing.rules.lookupView(view);
    const route = matched !== null ? matched.route : routing.defaultRoute;
    this.route = route;
    if (route === null) {
      this.respondLocally(404, { reason: 'InvalidUpstream : no rule match' });
      return;
    }
    if (route.redirect !== null) {
      this.respondLocally(route.redirect.code, { headers: ['Location', route.redirect.location(ctx)] });
      return;
    }
    if (route.cors !== null && head.method === 'OPTIONS') {
      this.respondLocally(204, { headers: corsHeaders(route.cors, stringHeader(head.headers.origin), true) });
      return;
    }
    if (route.balancer === null || route.balancer.endpoints.length === 0) {
      this.respondLocally(500, { reason: 'InvalidBalancer : no valid backends' });
      return;
    }
    if (
      head.upgrade !== null &&
      head.upgrade
        .toLowerCase()
        .split(',')
        .some((t) => t.trim() === 'h2c')
    ) {
      // h2c upgrades through a proxy let clients smuggle HTTP/2 past its rules; refuse them.
      this.respondLocally(400, { reason: 'h2c upgrade is not allowed' });
      return;
    }
    this.phase = this.requestBodyDone ? WAITING : BODY;
    this.socket.pause(); // body bytes wait until there is an upstream to send them to
    this.connectUpstream(null);
  }

  // ---- local responses ----

  private respondLocally(status: number, options: { reason?: string; headers?: HeaderList }): void {
    this.status = status;
    // A body we will not forward is read and dropped if small, else the connection closes after the answer.
    if (!this.requestBodyDone && (this.requestMode === CHUNKED || this.requestRemaining > MAX_DISCARD_BYTES)) {
      this.closeAfterResponse = true;
    }
    const close = this.closeAfterResponse;
    const text = localResponse(status, {
      reason: options.reason,
      headers: options.headers,
      close,
      keepAliveHeader: this.head!.versionMinor === 0,
    });
    this.finishRequestStats();
    if (close) {
      this.endConnection(text);
      return;
    }
    this.socket.write(text, 'latin1');
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
    this.socket.resume();
    this.readHeads();
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
    const now = Date.now();
    const pick = route.balancer!.pick(this.ctx!, exclude, (e) => e.target.failedUntil > now);
    if (pick === null) {
      this.respondLocally(500, { reason: 'InvalidBalancer : no valid backends' });
      return;
    }
    this.attempts++;
    this.endpoint = pick.endpoint;
    if (pick.setCookie !== null) this.affinityCookie = pick.setCookie;
    const pool = pick.endpoint.target.pool(route.tls);
    const idle = pool.takeIdle();
    if (idle !== null) {
      idle.owner = this;
      this.onUpstreamReady(idle);
      return;
    }
    this.upstream = pool.open(this, route.connectTimeoutMs, (conn) => this.onUpstreamReady(conn));
  }

  private onUpstreamReady(conn: UpstreamConnection): void {
    if (this.phase === CLOSED) {
      conn.pool.release(conn);
      return;
    }
    this.upstream = conn;
    const route = this.route!;
    conn.socket.setTimeout(this.requestBodyDone ? route.readTimeoutMs : route.sendTimeoutMs);
    const socket = conn.socket;
    socket.cork();
    socket.write(this.buildUpstreamHead(), 'latin1');
    this.upstreamSentAt = Date.now();
    if (this.head!.expectContinue && !this.requestBodyDone && this.requestBodyBytesSent === 0) {
      this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    }
    if (this.phase === BODY) this.forwardRequestBody();
    socket.uncork();
    if (this.phase !== CLOSED) this.socket.resume();
  }

  private buildUpstreamHead(): string {
    const head = this.head!;
    const route = this.route!;
    const ctx = this.ctx!;
    const listener = this.listener;
    let target = originFormTarget(head.target);
    if (route.rewrite !== null) {
      const path = route.rewrite.apply(ctx.view.path());
      const query = rawQuery(head.target);
      target = encodePath(path) + (query === '' ? '' : `?${query}`);
    }
    const connectionTokens = head.connectionTokens;
    const raw = head.rawHeaders;
    const out: HeaderList = [];
    for (let i = 0; i < raw.length; i += 3) {
      const lower = raw[i + 1]!;
      if (requestFieldsNotForwarded.has(lower)) continue;
      if (connectionTokens !== null && connectionTokens.includes(lower)) continue;
      out.push(raw[i]!, raw[i + 2]!);
    }
    const peerTrusted = listener.trusted !== null && listener.trusted.trusts(this.peerIp);
    const forwardedFor = stringHeader(head.headers['x-forwarded-for'], ', ');
    out.push('X-Real-IP', ctx.clientIp);
    out.push(
      'X-Forwarded-For',
      peerTrusted && forwardedFor !== undefined ? `${forwardedFor}, ${this.peerIp}` : this.peerIp,
    );
    out.push('X-Forwarded-Proto', (peerTrusted && stringHeader(head.headers['x-forwarded-proto'])) || ctx.scheme);
    out.push('X-Forwarded-Host', (peerTrusted && stringHeader(head.headers['x-forwarded-host'])) || (head.host ?? ''));
    out.push(
      'X-Forwarded-Port',
      (peerTrusted && stringHeader(head.headers['x-forwarded-port'])) || String(listener.port),
    );
    if (route.requestHeaders !== null) applyHeaderRewrite(route.requestHeaders, out, ctx);
    let text = `${head.method} ${target} HTTP/1.1\r\nHost: ${route.vhost ?? head.host ?? ''}\r\n`;
    for (let i = 0; i < out.length; i += 2) text += `${out[i]}: ${out[i + 1]}\r\n`;
    if (this.requestMode === CHUNKED) text += 'Transfer-Encoding: chunked\r\n';
    if (head.upgrade !== null) text += `Connection: upgrade\r\nUpgrade: ${head.upgrade}\r\n`;
    return text + CRLF;
  }

  /** Sends the buffered request body bytes upstream (re-framed when chunked), with backpressure. */
  private forwardRequestBody(): void {
    const conn = this.upstream;
    const input = this.input;
    if (conn === null || input === null || (!conn.connected && !conn.reused)) return;
    let writable = true;
    if (this.requestMode === SIZED) {
      const take = Math.min(this.requestRemaining, input.length);
      writable = conn.socket.write(take === input.length ? input : input.subarray(0, take));
      this.requestRemaining -= take;
      this.requestBodyBytesSent += take;
      this.input = take === input.length ? null : input.subarray(take);
      if (this.requestRemaining === 0) this.requestBodyDone = true;
    } else {
      const decoder = this.requestDecoder!;
      const socket = conn.socket;
      const stop = decoder.feed(input, 0, (data) => {
        socket.write(`${data.length.toString(16)}\r\n`, 'latin1');
        writable = socket.write(data);
        socket.write(CRLF, 'latin1');
        this.requestBodyBytesSent += data.length;
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
    if (this.requestBodyDone) {
      this.phase = WAITING;
      conn.socket.setTimeout(this.route!.readTimeoutMs);
      return;
    }
    if (!writable) this.socket.pause();
  }

  /** The client's chunked framing broke mid-body: nothing on either connection can be trusted any more. */
  private failRequestBody(reason: string): void {
    this.dropUpstream();
    if (this.responseStarted) {
      this.socket.destroy();
      return;
    }
    this.listener.stats.forRoute(this.route?.name ?? '').count(400);
    this.endConnection(localResponse(400, { close: true, body: `400 Bad Request: ${reason}\n` }));
  }

  onUpstreamDrain(): void {
    if (this.phase === BODY || this.phase === TUNNEL) this.socket.resume();
  }

  onUpstreamData(chunk: Buffer): void {
    const conn = this.upstream;
    if (conn === null) return;
    if (this.phase === TUNNEL) {
      if (!this.socket.write(chunk)) conn.socket.pause();
      return;
    }
    if (this.response === null) {
      this.readResponseHead(chunk);
      return;
    }
    this.forwardResponseBody(chunk, 0);
  }

  private readResponseHead(chunk: Buffer): void {
    let buf = this.responseBuffer === null ? chunk : Buffer.concat([this.responseBuffer, chunk]);
    for (;;) {
      const end = buf.indexOf(CRLFCRLF);
      if (end === -1) {
        if (buf.length > this.listener.settings.limits.maxHeadBytes)
          this.upstreamFailed(502, 'upstream response head too large', false);
        else this.responseBuffer = buf;
        return;
      }
      const parsed = parseResponseHead(buf, end, this.head!.method, this.listener.settings.limits);
      if (typeof parsed === 'string') {
        this.upstreamFailed(502, `invalid upstream response: ${parsed}`, false);
        return;
      }
      const rest = buf.subarray(end + 4);
      if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) {
        // Interim responses (100, 103) are consumed here: the proxy answers Expect itself.
        buf = rest;
        if (buf.length === 0) {
          this.responseBuffer = null;
          return;
        }
        continue;
      }
      this.responseBuffer = null;
      this.onResponseHead(parsed, rest);
      return;
    }
  }

  private onResponseHead(response: ResponseHead, rest: Buffer): void {
    this.response = response;
    this.status = response.status;
    this.listener.stats.upstreamLatency.observe((Date.now() - this.upstreamSentAt) / 1000);
    const head = this.head!;
    if (response.status === 101) {
      if (head.upgrade === null) {
        this.upstreamFailed(502, 'upstream switched protocols without being asked', false);
        return;
      }
      this.startTunnel(response, rest);
      return;
    }
    if (!this.requestBodyDone) {
      // The upstream answered before reading the whole body: neither connection can carry another request.
      this.closeAfterResponse = true;
    }
    this.responseMode = response.framing;
    this.responseRemaining = response.framing === 'length' ? response.contentLength : 0;
    this.responseDecoder = response.framing === 'chunked' ? new ChunkedDecoder(this.listener.settings.limits) : null;
    const clientIsHttp11 = head.versionMinor === 1;
    this.chunkToClient = clientIsHttp11 && (response.framing === 'chunked' || response.framing === 'close');
    if (!clientIsHttp11 && (response.framing === 'chunked' || response.framing === 'close'))
      this.closeAfterResponse = true;
    this.socket.cork();
    this.socket.write(this.buildClientHead(response), 'latin1');
    this.responseStarted = true;
    if (response.framing === 'none') {
      this.socket.uncork();
      this.finishExchange();
      return;
    }
    if (rest.length > 0) this.forwardResponseBody(rest, 0);
    this.socket.uncork();
  }

  private buildClientHead(response: ResponseHead): string {
    const route = this.route!;
    const head = this.head!;
    const raw = response.rawHeaders;
    const tokens = response.connectionTokens;
    const out: HeaderList = [];
    for (let i = 0; i < raw.length; i += 3) {
      const lower = raw[i + 1]!;
      if (responseFieldsNotForwarded.has(lower)) continue;
      if (tokens !== null && tokens.includes(lower)) continue;
      out.push(raw[i]!, raw[i + 2]!);
    }
    if (route.responseHeaders !== null) applyHeaderRewrite(route.responseHeaders, out, this.ctx);
    if (route.cors !== null) out.push(...corsHeaders(route.cors, stringHeader(head.headers.origin), false));
    if (this.affinityCookie !== null) {
      const name = route.balancer!.affinityCookieName;
      out.push(
        'Set-Cookie',
        `${name}=${this.affinityCookie}; Path=/; HttpOnly${this.ctx!.scheme === 'https' ? '; Secure' : ''}`,
      );
    }
    let text = `HTTP/1.1 ${response.status} ${response.reason}\r\n`;
    for (let i = 0; i < out.length; i += 2) text += `${out[i]}: ${out[i + 1]}\r\n`;
    if (this.chunkToClient) text += 'Transfer-Encoding: chunked\r\n';
    if (this.closeAfterResponse) text += 'Connection: close\r\n';
    else if (head.versionMinor === 0) text += 'Connection: keep-alive\r\n';
    return text + CRLF;
  }

  private forwardResponseBody(chunk: Buffer, start: number): void {
    const conn = this.upstream!;
    const client = this.socket;
    let writable = true;
    switch (this.responseMode) {
      case 'length': {
        const available = chunk.length - start;
        const take = Math.min(this.responseRemaining, available);
        writable = client.write(start === 0 && take === chunk.length ? chunk : chunk.subarray(start, start + take));
        this.responseRemaining -= take;
        if (take < available) {
          // More bytes than announced: the upstream connection is out of sync.
          this.response!.reusable = false;
        }
        if (this.responseRemaining === 0) {
          this.finishExchange();
          return;
        }
        break;
      }
      case 'chunked': {
        const decoder = this.responseDecoder!;
        const rechunk = this.chunkToClient;
        decoder.feed(chunk, start, (data) => {
          if (rechunk) client.write(`${data.length.toString(16)}\r\n`, 'latin1');
          writable = client.write(data);
          if (rechunk) client.write(CRLF, 'latin1');
        });
        if (decoder.error !== null) {
          this.upstreamBroke();
          return;
        }
        if (decoder.done) {
          if (rechunk) client.write(CHUNK_END);
          this.finishExchange();
          return;
        }
        break;
      }
      case 'close': {
        const data = start === 0 ? chunk : chunk.subarray(start);
        if (this.chunkToClient) {
          client.write(`${data.length.toString(16)}\r\n`, 'latin1');
          writable = client.write(data);
          client.write(CRLF, 'latin1');
        } else {
          writable = client.write(data);
        }
        break;
      }
    }
    if (!writable) conn.socket.pause();
  }

  onUpstreamEnd(): void {
    if (this.phase === TUNNEL) {
      this.socket.end(); // half-close passes through the tunnel; each side closes its own half
      return;
    }
    if (this.response !== null && this.responseMode === 'close' && this.phase !== TUNNEL) {
      if (this.chunkToClient) this.socket.write(CHUNK_END);
      this.finishExchange();
      return;
    }
    this.onUpstreamError(new Error('upstream closed the connection'));
  }

  onUpstreamError(error: Error): void {
    const conn = this.upstream;
    if (this.phase === TUNNEL || this.phase === CLOSED) {
      this.socket.destroy();
      return;
    }
    if (this.response !== null) {
      this.upstreamBroke();
      return;
    }
    const neverConnected = conn !== null && !conn.connected && !conn.reused;
    if (neverConnected) {
      this.listener.stats.upstreamErrors++;
      this.endpoint!.target.failedUntil = Date.now() + this.listener.settings.failCooldownMs;
    }
    const timedOut = (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    this.upstreamFailed(
      timedOut ? 504 : 502,
      describeUpstreamError(error),
      neverConnected || this.staleKeepAlive(conn),
    );
  }

  onUpstreamTimeout(): void {
    const conn = this.upstream;
    if (this.phase === TUNNEL) return; // tunnels are not timed
    if (this.response !== null) {
      this.upstreamBroke();
      return;
    }
    const connecting = conn !== null && !conn.connected && !conn.reused;
    if (connecting) {
      this.listener.stats.upstreamErrors++;
      this.endpoint!.target.failedUntil = Date.now() + this.listener.settings.failCooldownMs;
    }
    this.upstreamFailed(504, connecting ? 'upstream connect timed out' : 'upstream timed out', connecting);
  }

  /** A reused keep-alive connection that failed before any response byte, with no body sent: a benign race. */
  private staleKeepAlive(conn: UpstreamConnection | null): boolean {
    return conn !== null && conn.reused && this.responseBuffer === null && this.requestBodyBytesSent === 0;
  }

  /**
   * The upstream failed before a response: retry once on another endpoint when nothing reached the upstream
   * (connect failed) or a stale keep-alive connection was hit; otherwise answer 502/504.
   */
  private upstreamFailed(status: number, reason: string, retryable: boolean): void {
    const failed = this.endpoint;
    this.dropUpstream();
    if (this.phase === CLOSED) return;
    if (retryable && this.attempts < 2 && this.requestBodyBytesSent === 0) {
      this.connectUpstream(failed);
      return;
    }
    this.closeAfterResponse = this.closeAfterResponse || !this.requestBodyDone;
    this.respondLocally(status, { reason: `${status === 504 ? 'UpstreamTimeout' : 'BadGateway'} : ${reason}` });
  }

  /** The upstream failed after the response started: the client cannot be told, so its connection is closed. */
  private upstreamBroke(): void {
    this.listener.stats.upstreamErrors++;
    this.finishRequestStats();
    this.dropUpstream();
    this.socket.destroy();
  }

  private startTunnel(response: ResponseHead, rest: Buffer): void {
    const conn = this.upstream!;
    this.phase = TUNNEL;
    conn.socket.setTimeout(0);
    let text = `HTTP/1.1 101 ${response.reason}\r\n`;
    const raw = response.rawHeaders;
    for (let i = 0; i < raw.length; i += 3) {
      const lower = raw[i + 1]!;
      if (lower === 'connection' || lower === 'upgrade' || lower === 'keep-alive') continue;
      text += `${raw[i]}: ${raw[i + 2]}\r\n`;
    }
    text += `Connection: upgrade\r\nUpgrade: ${stringHeader(response.headers.upgrade) ?? this.head!.upgrade}\r\n\r\n`;
    this.finishRequestStats();
    this.socket.write(text, 'latin1');
    if (rest.length > 0) this.socket.write(rest);
    if (this.input !== null) {
      conn.socket.write(this.input);
      this.input = null;
    }
    this.socket.resume();
  }

  /** The response is complete: recycle the upstream connection, then serve the next request or close. */
  private finishExchange(): void {
    const conn = this.upstream;
    this.upstream = null;
    if (conn !== null) {
      conn.socket.resume();
      if (this.response!.reusable && this.requestBodyDone) conn.pool.release(conn);
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
    const route = this.route;
    this.listener.stats.forRoute(route?.name ?? '').count(this.status);
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

  private dropUpstream(): void {
    const conn = this.upstream;
    this.upstream = null;
    if (conn !== null) conn.destroy();
  }
}

function normalizePeer(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function stringHeader(value: string | string[] | undefined, joiner = ','): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value.join(joiner);
}

/** The request-target for the upstream: origin-form (absolute-form targets lose their scheme and authority). */
function originFormTarget(target: string): string {
  if (target.charCodeAt(0) === 47 || target === '*') return target;
  const schemeEnd = target.indexOf('://');
  let i = schemeEnd + 3;
  while (i < target.length && target[i] !== '/' && target[i] !== '?' && target[i] !== '#') i++;
  const rest = target.slice(i);
  const hash = rest.indexOf('#');
  const clean = hash === -1 ? rest : rest.slice(0, hash);
  return clean === '' ? '/' : clean.startsWith('?') ? `/${clean}` : clean;
}

function describeUpstreamError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return error.message;
}
