import { EventEmitter } from 'node:events';
import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { ChunkedDecoder } from '../http/chunked-decoder.ts';
import { fieldValue } from '../http/header-fields.ts';
import type { HttpLimits } from '../http/limits.ts';
import { parseResponseHead, type ResponseHead } from '../http/response-head.ts';
import type { H1Request } from './h1-request-head.ts';

/** Response fields that are connection-specific: HTTP/2 forbids them (RFC 9113 8.2.2). */
const notForwarded = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

const HEAD = 0;
const BODY = 1;
const DONE = 2;

/**
 * One HTTP/2 stream seen by the HTTP/1.1 connection code as a client socket: the stream's request goes in as
 * HTTP/1.1 bytes (see `h1RequestFromH2`), and the HTTP/1.1 response the connection writes back is parsed (by the
 * same strict parsers as upstream responses) and sent on the stream as HTTP/2 headers and DATA. So an HTTP/2
 * request gets exactly the routing, Rule actions, upstream pool, retries and timeouts of an HTTP/1.1 one.
 * It implements the part of `net.Socket` `Http1Connection` uses: write, end, destroy, pause/resume and events.
 */
export class H2StreamBridge extends EventEmitter {
  readonly remoteAddress: string | undefined;
  private readonly stream: ServerHttp2Stream;
  private readonly limits: HttpLimits;
  private readonly method: string;
  private phase = HEAD;
  private pending: Buffer | null = null;
  private response: ResponseHead | null = null;
  private remaining = 0;
  private decoder: ChunkedDecoder | null = null;
  /** Request body bytes still expected when the client declared a Content-Length. */
  private requestRemaining: number;
  private readonly requestChunked: boolean;
  private closed = false;

  constructor(
    stream: ServerHttp2Stream,
    request: H1Request & { ok: true },
    remoteAddress: string | undefined,
    limits: HttpLimits,
  ) {
    super();
    this.stream = stream;
    this.limits = limits;
    this.method = request.method;
    this.remoteAddress = remoteAddress;
    this.requestRemaining = request.body === 'length' ? request.contentLength : 0;
    this.requestChunked = request.body === 'chunked';
    stream.on('drain', () => this.emit('drain'));
    stream.on('close', () => this.finish());
    stream.on('error', () => this.finish());
  }

  /** Starts the exchange: the head, then the stream's body as it arrives. Call after the connection listens. */
  start(head: Buffer, hasBody: boolean): void {
    this.emit('data', head);
    if (!hasBody) return;
    this.stream.on('data', (chunk: Buffer) => {
      if (this.requestChunked) {
        if (chunk.length > 0)
          this.emit('data', Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, crlf]));
        return;
      }
      // More body than the declared Content-Length is a malformed request (RFC 9113 8.1.1): never let the extra
      // bytes be read as another request.
      if (chunk.length > this.requestRemaining) return this.reset(constants.NGHTTP2_PROTOCOL_ERROR);
      this.requestRemaining -= chunk.length;
      this.emit('data', chunk);
    });
    this.stream.on('end', () => {
      if (this.requestChunked) this.emit('data', lastChunk);
      else if (this.requestRemaining > 0) this.reset(constants.NGHTTP2_PROTOCOL_ERROR);
    });
  }

  // --- the socket surface Http1Connection uses --------------------------------------------------------------

  write(data: Buffer | string): boolean {
    if (this.closed) return false;
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.relay(buf, 0, buf.length);
    return this.stream.writableNeedDrain !== true;
  }

  end(data?: Buffer | string): this {
    if (data !== undefined) this.write(data);
    if (!this.closed) {
      // The connection is done: a body read until close ends here; anything unfinished is an error.
      if (this.phase === BODY && this.response?.framing === 'close') this.complete();
      else if (this.phase !== DONE) this.reset(constants.NGHTTP2_INTERNAL_ERROR);
    }
    this.finish();
    return this;
  }

  destroy(): this {
    if (!this.closed && this.phase !== DONE) this.reset(constants.NGHTTP2_INTERNAL_ERROR);
    this.finish();
    return this;
  }

  pause(): this {
    this.stream.pause();
    return this;
  }

  resume(): this {
    this.stream.resume();
    return this;
  }

  isPaused(): boolean {
    return this.stream.isPaused();
  }

  /** What `HttpListener.adopt` takes. */
  asSocket(): Socket {
    return this as unknown as Socket;
  }

  // --- the HTTP/1.1 response, relayed as HTTP/2 -------------------------------------------------------------

  private relay(buf: Buffer, start: number, end: number): void {
    if (this.phase === HEAD) {
      const joined =
        this.pending === null ? buf.subarray(start, end) : Buffer.concat([this.pending, buf.subarray(start, end)]);
      const headEnd = joined.indexOf('\r\n\r\n');
      if (headEnd === -1) {
        if (joined.length > this.limits.maxHeadBytes * 2) return this.reset(constants.NGHTTP2_INTERNAL_ERROR);
        this.pending = Buffer.from(joined);
        return;
      }
      this.pending = null;
      const parsed = parseResponseHead(joined, headEnd + 2, this.method, this.limits);
      if (typeof parsed === 'string') return this.reset(constants.NGHTTP2_INTERNAL_ERROR);
      const rest = headEnd + 4;
      if (parsed.status < 200) {
        // An interim response (100 Continue from the upstream): HTTP/2 clients do not need it here.
        if (rest < joined.length) this.relay(joined, rest, joined.length);
        return;
      }
      this.respond(parsed);
      if (rest < joined.length && (this.phase as number) === BODY) this.body(joined, rest, joined.length);
      return;
    }
    if (this.phase === BODY) this.body(buf, start, end);
  }

  private respond(head: ResponseHead): void {
    this.response = head;
    const headers: OutgoingHttpHeaders = { ':status': head.status };
    const { names } = head.fields;
    for (let f = 0; f < names.length; f++) {
      const name = names[f]!;
      if (notForwarded.has(name)) continue;
      if (name === 'content-length' && head.framing !== 'length') continue;
      const value = fieldValue(head.source, head.fields, f);
      const existing = headers[name];
      if (existing === undefined) headers[name] = value;
      else headers[name] = Array.isArray(existing) ? [...existing, value] : [String(existing), value];
    }
    const empty = head.framing === 'none' || (head.framing === 'length' && head.contentLength === 0);
    try {
      this.stream.respond(headers, { endStream: empty });
    } catch {
      return this.reset(constants.NGHTTP2_INTERNAL_ERROR);
    }
    if (empty) {
      this.phase = DONE;
      return;
    }
    this.phase = BODY;
    this.remaining = head.contentLength;
    if (head.framing === 'chunked') this.decoder = new ChunkedDecoder(this.limits);
  }

  private body(buf: Buffer, start: number, end: number): void {
    const framing = this.response!.framing;
    if (framing === 'chunked') {
      const decoder = this.decoder!;
      decoder.feed(buf, start, end, (b, from, to) => this.stream.write(Buffer.from(b.subarray(from, to))));
      if (decoder.error !== null) return this.reset(constants.NGHTTP2_INTERNAL_ERROR);
      if (decoder.done) this.complete();
      return;
    }
    const take = framing === 'length' ? Math.min(this.remaining, end - start) : end - start;
    if (take > 0) this.stream.write(Buffer.from(buf.subarray(start, start + take)));
    if (framing === 'length') {
      this.remaining -= take;
      if (this.remaining === 0) this.complete();
    }
  }

  private complete(): void {
    this.phase = DONE;
    this.stream.end();
  }

  private reset(code: number): void {
    this.phase = DONE;
    if (!this.stream.destroyed) this.stream.close(code);
    this.finish();
  }

  /** Tells the connection its "socket" is gone, once. */
  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.emit('close'));
  }
}

const crlf = Buffer.from('\r\n');
const lastChunk = Buffer.from('0\r\n\r\n');
