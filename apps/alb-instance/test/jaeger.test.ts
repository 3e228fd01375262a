// Tracing into a real Jaeger (v2, in-memory storage, built from the Go module proxy by ensureJaeger): a request
// through the instance makes one trace in Jaeger's query API with the ALB server span, its client span as a child,
// and the backend's span (the backend continues `traceparent` with the OpenTelemetry SDK) as the client span's child.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ensureJaeger } from '@alb/kube-testenv';
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, within, write } from './helpers.ts';

/** The parts of Jaeger's `/api/traces/<id>` answer this test reads. */
type JaegerSpan = {
  spanID: string;
  operationName: string;
  processID: string;
  references: Array<{ refType: string; spanID: string }>;
  tags: Array<{ key: string; value: unknown }>;
};
type JaegerTrace = { spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> };

// A cold build of Jaeger takes about 20 minutes. `npm test` builds it first (this package's pretest step); for a
// direct tap run, the whole file's timeout (120 s in package.json) is raised here, which tap's runner honours.
const coldBuildMs = 40 * 60_000;
t.setTimeout(coldBuildMs);
t.test(
  'one trace in a real Jaeger: ALB server span -> client span -> backend span',
  { timeout: coldBuildMs },
  async (t) => {
    const jaeger = await ensureJaeger();
    const [queryPort, grpcPort, otlpPort, port] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const dir = tempDir(t);
    write(dir, 'jaeger.yaml', jaegerConfig({ queryPort, grpcPort, otlpPort }));
    const child = spawn(jaeger.path, ['--config', `${dir}/jaeger.yaml`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let jaegerLog = '';
    child.stderr.on('data', (chunk: Buffer) => (jaegerLog = (jaegerLog + chunk.toString()).slice(-20_000)));
    t.teardown(async () => {
      child.kill('SIGTERM');
      if ((await within(once(child, 'exit'), 5000, 'late')) === 'late') child.kill('SIGKILL');
    });
    const queryApi = async (path: string) => {
      try {
        return await get(queryPort, path);
      } catch {
        return { status: 0, headers: {}, body: '' }; // not listening yet
      }
    };
    const up = await eventually(
      () => queryApi('/api/services'),
      (r) => r.status === 200,
      30_000,
    );
    t.equal(up.status, 200, `jaeger ${jaeger.version} answers on its query port`);
    if (up.status !== 200) t.comment(jaegerLog);

    const collector = `127.0.0.1:${otlpPort}`;
    const backendProvider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'backend' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://${collector}/v1/traces` }))],
    });
    t.teardown(() => backendProvider.shutdown());
    const backendTracer = backendProvider.getTracer('test-backend');
    const web = await echoBackend(t, 'web', (req, res) => {
      const sc = typeof req.headers.traceparent === 'string' ? parseTraceParent(req.headers.traceparent) : null;
      if (sc !== null) {
        const parent = trace.setSpanContext(ROOT_CONTEXT, { ...sc, isRemote: true });
        backendTracer.startSpan('handle', { kind: SpanKind.SERVER }, parent).end();
      }
      req.resume();
      req.on('end', () => res.end(String(req.headers.traceparent ?? '-')));
    });

    write(
      dir,
      'alb.yaml',
      `apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: test, namespace: kube-system }
spec:
  type: nginx
  config:
    projects: [ALL_ALL]
    otel:
      exporter:
        collector: { address: "${collector}" }
        batch_span_processor: { inactive_timeout: 1 }
`,
      manifests.frontend(port),
    );
    write(dir, 'services.yaml', manifests.service('web', web.port));
    write(
      dir,
      'rules.yaml',
      manifests.rule(
        'traced',
        port,
        '/traced',
        'web',
        '  config: { otel: { enable: true, sampler: { name: always_on } } }\n',
      ),
    );
    await runInstance(t, dir);

    const reply = await get(port, '/traced');
    t.equal(reply.status, 200, 'the request is served');
    const traceId = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/.exec(reply.body)?.[1];
    if (traceId === undefined) {
      t.fail(`no sampled traceparent reached the backend: ${reply.body}`);
      return;
    }

    const traceOf = async (): Promise<JaegerTrace | undefined> => {
      const r = await queryApi(`/api/traces/${traceId}`);
      return r.status === 200 ? (JSON.parse(r.body) as { data: JaegerTrace[] }).data[0] : undefined;
    };
    const found = await eventually(traceOf, (tr) => (tr?.spans.length ?? 0) >= 3, 30_000);
    if (found === undefined) {
      t.fail(`jaeger has no trace ${traceId}:\n${jaegerLog}`);
      return;
    }
    t.equal(found.spans.length, 3, 'the trace has three spans');

    const service = (s: JaegerSpan) => found.processes[s.processID]?.serviceName;
    const kind = (s: JaegerSpan) => s.tags.find((tag) => tag.key === 'span.kind')?.value;
    const parent = (s: JaegerSpan) => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
    const server = found.spans.find((s) => service(s) === 'alb' && kind(s) === 'server');
    const client = found.spans.find((s) => service(s) === 'alb' && kind(s) === 'client');
    const backend = found.spans.find((s) => service(s) === 'backend');
    if (server === undefined || client === undefined || backend === undefined) {
      t.fail(`expected alb server, alb client and backend spans: ${JSON.stringify(found)}`);
      return;
    }
    t.equal(parent(server), undefined, 'the ALB server span is the root (the request carried no traceparent)');
    t.equal(parent(client), server.spanID, 'the ALB client span is a child of the server span');
    t.equal(parent(backend), client.spanID, "the backend's span is a child of the ALB client span");
    t.equal(backend.operationName, 'handle', "the backend's span is the one the backend made");
  },
);

/** Jaeger v2 all-in-one with in-memory storage, OTLP/HTTP in, the query API out, all on loopback free ports. */
function jaegerConfig(ports: { queryPort: number; grpcPort: number; otlpPort: number }): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [jaeger_storage_exporter] }
  telemetry:
    metrics: { level: none }
    logs: { level: warn }
extensions:
  jaeger_storage:
    backends:
      memstore: { memory: { max_traces: 1000 } }
  jaeger_query:
    storage: { traces: memstore }
    http: { endpoint: "127.0.0.1:${ports.queryPort}" }
    grpc: { endpoint: "127.0.0.1:${ports.grpcPort}" }
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:${ports.otlpPort}" }
processors:
  batch: { timeout: 100ms }
exporters:
  jaeger_storage_exporter: { trace_storage: memstore }
`;
}
