import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { parseTraceParent, TraceState } from '@opentelemetry/core';
import type { RequestContext } from '../actions/request-context.ts';
import type { TracingConfig } from '../config.ts';
import { fieldLine } from '../http/head-bytes.ts';
import { providerKey, tracerFor } from './tracer-registry.ts';

/** A route's compiled tracing: which tracer, and whether the client's trace context is continued. */
export type RouteTracing = {
  readonly tracer: Tracer;
  readonly trustIncoming: boolean;
  readonly hideUpstream: boolean;
  /** The provider this route uses (kept alive while a route names it). */
  readonly providerKey: string;
};

export function compileTracing(config: TracingConfig | null | undefined): RouteTracing | null {
  if (config == null) return null;
  return {
    tracer: tracerFor(config),
    trustIncoming: config.trustIncoming !== false,
    hideUpstream: config.hideUpstreamAttributes === true,
    providerKey: providerKey(config),
  };
}

/** Request fields a traced route replaces: the client's trace context never goes upstream beside ours. */
export const traceContextFields = ['traceparent', 'tracestate'];

/**
 * The spans of one request: the server span (HTTP semantic conventions), and a client span per upstream attempt
 * whose context goes upstream as `traceparent`. An unsampled request still gets (non-recording) spans with ids, so
 * `traceparent` always propagates; recording spans are handed to the batch processor when they end, which never
 * waits (a full queue drops).
 */
export class RequestTrace {
  private readonly server: Span;
  private readonly serverContext: Context;
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
    const parent = routing.trustIncoming ? incomingContext(head.headers) : ROOT_CONTEXT;
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
    this.server = routing.tracer.startSpan(head.method, { kind: SpanKind.SERVER, attributes }, parent);
    this.serverContext = trace.setSpan(parent, this.server);
  }

  /**
   * The head for the next upstream attempt: the first attempt's head plus this attempt's `traceparent` (and the
   * client's `tracestate` when its context was continued). Ends a previous attempt's span as failed.
   */
  headForAttempt(head: Buffer, address: string, port: number): Buffer {
    if (this.baseHead === null) this.baseHead = head;
    this.endClient(0, 'retried');
    const attributes: Attributes = { 'http.request.method': this.method };
    if (!this.routing.hideUpstream) {
      attributes['server.address'] = address;
      attributes['server.port'] = port;
      attributes['network.peer.address'] = address;
    }
    if (this.attempts > 0) attributes['http.request.resend_count'] = this.attempts;
    this.attempts++;
    const client = this.routing.tracer.startSpan(
      this.method,
      { kind: SpanKind.CLIENT, attributes },
      this.serverContext,
    );
    this.client = client;
    const sc = client.spanContext();
    let lines = `traceparent: 00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}\r\n`;
    const state = sc.traceState?.serialize();
    if (state) lines += fieldLine('tracestate', state) ?? '';
    const base = this.baseHead;
    return Buffer.concat([base.subarray(0, base.length - 2), Buffer.from(`${lines}\r\n`, 'latin1')]);
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
    this.endClient(0, status === 0 ? 'connection broken' : 'no response');
    const server = this.server;
    if (status > 0) server.setAttribute('http.response.status_code', status);
    if (status >= 500 || status === 0) {
      server.setAttribute('error.type', status === 0 ? 'connection broken' : String(status));
      server.setStatus({ code: SpanStatusCode.ERROR });
    }
    server.end();
  }
}

function incomingContext(headers: Record<string, string | string[]>): Context {
  const value = headers.traceparent;
  if (typeof value !== 'string') return ROOT_CONTEXT;
  const sc = parseTraceParent(value);
  if (sc === null) return ROOT_CONTEXT;
  sc.isRemote = true;
  const state = headers.tracestate;
  if (typeof state === 'string' && state.length <= 512) sc.traceState = new TraceState(state);
  return trace.setSpanContext(ROOT_CONTEXT, sc);
}

function queryOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? '' : target.slice(q + 1);
}
