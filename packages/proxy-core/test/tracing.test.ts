import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import t from 'tap';
import { startFixtureProcess } from './auth-process.ts';
import { freePort, get, group, listener, prefixRule, startBackend, startEngine } from './helpers.ts';
import type { TracingConfig } from '../src/index.ts';

type Span = {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
  status: number;
};

// OTLP span kinds.
const SERVER = 2;
const CLIENT = 3;

/**
 * Tracing against an OTLP/HTTP receiver in its own process: the proxy's server and client spans and a backend's
 * span (the backend continues `traceparent` with the OpenTelemetry SDK) form one trace; sampling, parent-based
 * sampling, untrusted incoming context, and a collector that is down.
 */
t.test('OpenTelemetry tracing', async (t) => {
  const receiver = await startFixtureProcess(t, 'otlp-receiver.ts');
  const collector = `http://127.0.0.1:${receiver.port}`;
  const spans = async (traceId: string): Promise<Span[]> =>
    (JSON.parse((await get(receiver.port, '/spans')).body) as Span[]).filter((s) => s.traceId === traceId);
  const waitForSpans = async (traceId: string, count: number): Promise<Span[]> => {
    const until = Date.now() + 10_000;
    for (;;) {
      const found = await spans(traceId);
      if (found.length >= count || Date.now() > until) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // The backend continues the trace with the SDK, exporting to the same receiver, as an instrumented app would.
  const backendProvider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'backend' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector}/v1/traces` }))],
  });
  t.teardown(() => backendProvider.shutdown());
  const backendTracer = backendProvider.getTracer('test-backend');
  const backend = await startBackend(t, 'app', (req, res) => {
    const sc = typeof req.headers.traceparent === 'string' ? parseTraceParent(req.headers.traceparent) : null;
    if (sc !== null) {
      const parent = trace.setSpanContext(ROOT_CONTEXT, { ...sc, isRemote: true });
      backendTracer.startSpan('handle', { kind: SpanKind.SERVER }, parent).end();
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(String(req.headers.traceparent ?? ''));
  });

  const down = await freePort();
  const tracing = (extra: Partial<TracingConfig>): TracingConfig => ({
    collector,
    sampler: { name: 'always_on' },
    exportDelayMs: 50,
    ...extra,
  });
  const port = await freePort();
  await startEngine(t, {
    backendGroups: [group('app', backend)],
    listeners: [
      listener(port, [
        prefixRule('on', '/on', 'app', { tracing: tracing({}) }),
        prefixRule('zero', '/zero', 'app', { tracing: tracing({ sampler: { name: 'trace_id_ratio', fraction: 0 } }) }),
        prefixRule('parent', '/parent', 'app', {
          tracing: tracing({ sampler: { name: 'parent_base', root: { name: 'always_off' } } }),
        }),
        prefixRule('notrust', '/notrust', 'app', { tracing: tracing({ trustIncoming: false }) }),
        prefixRule('hidden', '/hidden', 'app', { tracing: tracing({ hideUpstreamAttributes: true }) }),
        prefixRule('down', '/down', 'app', { tracing: tracing({ collector: `http://127.0.0.1:${down}` }) }),
        prefixRule('plain', '/plain', 'app'),
      ]),
    ],
  });

  const clientTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const clientSpanId = '00f067aa0ba902b7';
  const sampledParent = `00-${clientTraceId}-${clientSpanId}-01`;

  await t.test('one trace: server span, client span, and the backend span as its child', async (t) => {
    const r = await get(port, '/on/items?x=1', {
      headers: { traceparent: sampledParent, host: 'shop.example', 'user-agent': 'tap' },
    });
    t.equal(r.status, 200);
    const sent = parseTraceParent(r.body)!;
    t.equal(sent.traceId, clientTraceId, 'the upstream continues the client trace');
    t.not(sent.spanId, clientSpanId, 'with the proxy’s client span as parent');
    const found = await waitForSpans(clientTraceId, 3);
    const server = found.find((s) => s.kind === SERVER && s.service === 'alb')!;
    const client = found.find((s) => s.kind === CLIENT)!;
    const app = found.find((s) => s.service === 'backend')!;
    t.ok(server && client && app, 'all three spans arrived');
    t.equal(server.parentSpanId, clientSpanId, 'the server span’s parent is the incoming span');
    t.equal(client.parentSpanId, server.spanId, 'the client span is the server span’s child');
    t.equal(client.spanId, sent.spanId, 'traceparent upstream names the client span');
    t.equal(app.parentSpanId, client.spanId, 'the backend span is the client span’s child');
    t.match(server.attributes, {
      'http.request.method': 'GET',
      'url.path': '/on/items',
      'url.query': 'x=1',
      'url.scheme': 'http',
      'server.address': 'shop.example',
      'server.port': port,
      'client.address': '127.0.0.1',
      'user_agent.original': 'tap',
      'http.response.status_code': 200,
      'alb.rule': 'on',
    });
    t.match(client.attributes, {
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': backend.port,
      'http.response.status_code': 200,
    });
  });

  await t.test('no incoming context: a new trace; traceparent always propagates', async (t) => {
    const r = await get(port, '/on');
    const sent = parseTraceParent(r.body)!;
    t.ok(sent, 'a traceparent went upstream');
    t.equal(sent.traceFlags, 1);
    const found = await waitForSpans(sent.traceId, 3);
    t.equal(found.filter((s) => s.service === 'alb').length, 2);
  });

  await t.test('sampling 0: traceparent still goes upstream, unsampled; nothing is exported', async (t) => {
    const r = await get(port, '/zero');
    const sent = parseTraceParent(r.body)!;
    t.ok(sent, 'a traceparent went upstream');
    t.equal(sent.traceFlags, 0, 'marked unsampled');
    // A sampled request afterwards proves the exporter ran: the unsampled one is absent, not just late.
    const later = parseTraceParent((await get(port, '/on')).body)!;
    await waitForSpans(later.traceId, 3);
    t.same(await spans(sent.traceId), [], 'no spans of the unsampled trace');
  });

  await t.test('parent-based: follows the incoming decision; untrusted context starts a new trace', async (t) => {
    const sampled = parseTraceParent((await get(port, '/parent', { headers: { traceparent: sampledParent } })).body)!;
    t.equal(sampled.traceFlags, 1, 'a sampled parent is followed');
    const unsampledParent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`;
    const unsampled = parseTraceParent(
      (await get(port, '/parent', { headers: { traceparent: unsampledParent } })).body,
    )!;
    t.equal(unsampled.traceId, 'a'.repeat(32));
    t.equal(unsampled.traceFlags, 0, 'an unsampled parent is followed');
    const root = parseTraceParent((await get(port, '/parent')).body)!;
    t.equal(root.traceFlags, 0, 'without a parent, the root sampler (always_off) decides');
    const fresh = parseTraceParent((await get(port, '/notrust', { headers: { traceparent: sampledParent } })).body)!;
    t.not(fresh.traceId, clientTraceId, 'an untrusted incoming context is not continued');
    const bad = parseTraceParent((await get(port, '/on', { headers: { traceparent: '00-zz-yy-01' } })).body)!;
    t.ok(bad, 'a malformed incoming traceparent is replaced, not forwarded');
  });

  await t.test('hidden upstream attributes', async (t) => {
    const sent = parseTraceParent((await get(port, '/hidden')).body)!;
    const found = await waitForSpans(sent.traceId, 3);
    const client = found.find((s) => s.kind === CLIENT)!;
    t.equal(client.attributes['server.address'], undefined);
    t.equal(client.attributes['http.response.status_code'], 200);
  });

  await t.test('a collector that is down never blocks a request', async (t) => {
    for (let i = 0; i < 20; i++) t.equal((await get(port, '/down')).status, 200);
  });

  await t.test('untraced routes pass the client’s traceparent through untouched', async (t) => {
    const r = await get(port, '/plain', { headers: { traceparent: sampledParent } });
    t.equal(r.body, sampledParent);
  });
});
