import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { parseTraceParent, TraceState } from '@opentelemetry/core';
import type { RequestContext } from '../actions/request-context.ts';
import type { TracingConfig } from '../config.ts';
import { fieldLine } from '../http/head-bytes.ts';
import { randomHex, samplingDecision, type SamplingDecision } from './sampling.ts';
import { providerKey, tracerFor } from './tracer-registry.ts';

/** A route's compiled tracing: which tracer, and whether the client's trace context is continued. */
export type RouteTracing = {
  readonly tracer: Tracer;
  readonly trustIncoming: boolean;
  readonly hideUpstream: boolean;
  readonly sampled: SamplingDecision;
  /** The provider this route uses (kept alive while a route names it). */
  readonly providerKey: string;
};

export function compileTracing(config: TracingConfig | null | undefined): RouteTracing | null {
  if (config == null) return null;
  return {
    tracer: tracerFor(config),
    trustIncoming: config.trustIncoming !== false,
    hideUpstream: config.hideUpstreamAttributes === true,
    sampled: samplingDecision(config.sampler),
    providerKey: providerKey(config),
  };
}

/** Request fields a traced route replaces: the client's trace context never goes upstream beside ours. */
export const traceContextFields = ['traceparent', 'tracestate'];

/**
 * The spans of one request: the server span (HTTP semantic conventions), and a client span per upstream attempt
 * whose context goes upstream as `traceparent`. An unsampled request gets no SDK spans, only ids: its trace id
 * (the incoming one, or a new one) and a span id per attempt, so `traceparent` always propagates (flags 00).
 * Recorded spans go to the batch processor when they end, which never waits (a full queue drops).
 */
export class RequestTrace {
  /** Null when the request is not sampled. */
  private readonly server: Span | null;
  private readonly serverContext: Context;
  /** Unsampled: the trace id and tracestate `traceparent` carries. */
  private readonly traceId: string;
  private readonly traceState: string | undefined;
  private readonly routing: RouteTracing;
  private readonly method: string;
  private client: Span | null = null;
  private attempts = 0;
  /** The upstream head as built for the first attempt (without a traceparent). */
  private baseHead: Buffer | null = null;

  constructor(routing: RouteTracing, ctx: RequestContext, rule: string) {
    this.routing = routing;
    const head = ctx.head;
    this.method = head.method;
    const incoming = routing.trustIncoming ? incomingSpanContext(head.headers) : null;
    if (!routing.sampled(incoming)) {
      this.server = null;
      this.serverContext = ROOT_CONTEXT;
      this.traceId = incoming?.traceId ?? randomHex(16);
      this.traceState = incoming?.traceState?.serialize();
      return;
    }
    this.traceId = '';
    this.traceState = undefined;
    const parent = incoming === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, incoming);
    this.server = routing.tracer.startSpan(head.method, { kind: SpanKind.SERVER }, parent);
    const attributes: Attributes = {
      'http.request.method': head.method,
      'url.path': ctx.view.path(),
      'url.scheme': ctx.scheme,
      'server.address': ctx.view.host(),
      'server.port': ctx.port,
      'client.address': ctx.clientIp,
      'network.protocol.version': head.versionMinor === 1 ? '1.1' : '1.0',
      'alb.rule': rule,
    };
    const query = queryOf(head.target);
    if (query !== '') attributes['url.query'] = query;
    const agent = head.headers['user-agent'];
    if (typeof agent === 'string') attributes['user_agent.original'] = agent;
    this.server.setAttributes(attributes);
    this.serverContext = trace.setSpan(parent, this.server);
  }

  /**
   * The head for the next upstream attempt: the first attempt's head plus this attempt's `traceparent` (and the
   * client's `tracestate` when its context was continued). Ends a previous attempt's span as failed.
   */
  headForAttempt(head: Buffer, address: string, port: number): Buffer {
    if (this.baseHead === null) this.baseHead = head;
    if (this.server === null) return withTraceContext(this.baseHead, this.traceId, randomHex(8), 0, this.traceState);
    this.endClient(0, 'retried');
    const client = this.routing.tracer.startSpan(this.method, { kind: SpanKind.CLIENT }, this.serverContext);
    if (client.isRecording()) {
      const attributes: Attributes = { 'http.request.method': this.method };
      if (!this.routing.hideUpstream) {
        attributes['server.address'] = address;
        attributes['server.port'] = port;
        attributes['network.peer.address'] = address;
      }
      if (this.attempts > 0) attributes['http.request.resend_count'] = this.attempts;
      client.setAttributes(attributes);
    }
    this.attempts++;
    this.client = client;
    const sc = client.spanContext();
    return withTraceContext(this.baseHead, sc.traceId, sc.spanId, sc.traceFlags & 1, sc.traceState?.serialize());
  }

  /** The upstream answered (status) or failed (0 with a reason). */
  endClient(status: number, failure: string | null = null): void {
    const client = this.client;
    if (client === null) return;
    this.client = null;
    if (status > 0) client.setAttribute('http.response.status_code', status);
    if (status >= 500 || failure !== null) {
      client.setAttribute('error.type', failure ?? String(status));
      client.setStatus({ code: SpanStatusCode.ERROR });
    }
    client.end();
  }

  /** The exchange is over: `status` went to the client (0: the connection broke). */
  end(status: number): void {
    const server = this.server;
    if (server === null) return;
    this.endClient(0, status === 0 ? 'connection broken' : 'no response');
    if (status > 0) server.setAttribute('http.response.status_code', status);
    if (status >= 500 || status === 0) {
      server.setAttribute('error.type', status === 0 ? 'connection broken' : String(status));
      server.setStatus({ code: SpanStatusCode.ERROR });
    }
    server.end();
  }
}

/** The client's trace context, or null when absent or malformed. */
function incomingSpanContext(headers: Record<string, string | string[]>): SpanContext | null {
  const value = headers.traceparent;
  if (typeof value !== 'string') return null;
  const sc = parseTraceParent(value);
  if (sc === null) return null;
  sc.isRemote = true;
  const state = headers.tracestate;
  if (typeof state === 'string' && state.length <= 512) sc.traceState = new TraceState(state);
  return sc;
}

/** `head` (ending in CRLF CRLF) with `traceparent` (and `tracestate`) added before its end. */
function withTraceContext(
  head: Buffer,
  traceId: string,
  spanId: string,
  sampled: number,
  state: string | undefined,
): Buffer {
  let lines = `traceparent: 00-${traceId}-${spanId}-0${sampled}\r\n`;
  if (state) lines += fieldLine('tracestate', state) ?? '';
  return Buffer.concat([head.subarray(0, head.length - 2), Buffer.from(`${lines}\r\n`, 'latin1')]);
}

function queryOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? '' : target.slice(q + 1);
}
