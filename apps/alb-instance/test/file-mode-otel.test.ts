// Tracing in file mode: the ALB2's otel (collector, sampler) merged with a Rule's and an Ingress annotation's;
// spans arrive at an OTLP/HTTP receiver, traceparent reaches the backend.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

type ExportedSpan = { traceId: string; parentSpanId?: string; kind: number; attributes: Array<{ key: string }> };

t.test('otel from the ALB2, a Frontend and Rules, and an Ingress annotation', async (t) => {
  const received: ExportedSpan[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: ExportedSpan[] }> }>;
        };
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) received.push(...ss.spans);
      }
      res.end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  t.teardown(() => receiver.close());
  const collector = `127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const web = await echoBackend(t, 'web', (req, res) => {
    req.resume();
    req.on('end', () => res.end(String(req.headers.traceparent ?? '-')));
  });
  const dir = tempDir(t);
  const port = await freePort();
  const ingressPort = await freePort();
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
    ingressHTTPPort: ${ingressPort}
    ingressHTTPSPort: 0
    otel:
      exporter:
        collector: { address: "${collector}" }
        batch_span_processor: { inactive_timeout: 1 }
      sampler: { name: trace_id_ratio, options: { fraction: "0" } }
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
    manifests.rule('unsampled', port, '/unsampled', 'web', '  config: { otel: { enable: true } }\n'),
    manifests.rule(
      'bad',
      port,
      '/bad',
      'web',
      '  config: { otel: { enable: true, sampler: { name: parent_base, options: { parent_name: nope } } } }\n',
    ),
    manifests.rule('plain', port, '/plain', 'web'),
  );
  write(
    dir,
    'ingress.yaml',
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: default
  annotations: { nginx.ingress.kubernetes.io/enable-opentelemetry: "true" }
spec:
  ingressClassName: test
  rules:
    - http:
        paths:
          - { path: /shop, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
`,
  );
  const instance = await runInstance(t, dir);

  const traced = await get(port, '/traced');
  const traceId = traced.body.split('-')[1]!;
  t.match(traced.body, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'a sampled traceparent reaches the backend');
  const spans = await eventually(
    async () => received.filter((s) => s.traceId === traceId),
    (found) => found.length >= 2,
  );
  t.same(spans.map((s) => s.kind).sort(), [2, 3], 'a server and a client span arrived at the collector');

  const unsampled = await get(port, '/unsampled');
  t.match(unsampled.body, /-00$/, "the ALB2's sampler (ratio 0) applies to a Rule that only enables tracing");
  t.equal((await get(port, '/bad')).body, '-', 'a bad sampler leaves the route untraced (and served)');
  t.equal((await get(port, '/plain')).body, '-', 'tracing is off by default');

  const shop = await eventually(
    () => get(ingressPort, '/shop'),
    (r) => r.status === 200,
  );
  t.match(shop.body, /-00$/, 'the Ingress annotation turns tracing on, with the ALB2 settings');
  t.ok(
    instance.logs().some((l) => String(l.msg ?? '').includes('ALB_INSTANCE_OTEL')),
    'the bad sampler is reported',
  );
});
