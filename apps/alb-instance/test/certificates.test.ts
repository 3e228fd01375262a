// ALB's certificate keys and certificate_name forms (pure parts of the TLS policy).
import t from 'tap';
import { ObjectStore } from '../src/objects/object-store.ts';
import { buildPolicy } from '../src/policy/build-policy.ts';
import { parseCertificateRef, sniForPorts } from '../src/policy/certificates.ts';
import { parseManifest } from '../src/sources/parse-manifest.ts';

t.test('certificate_name accepts ns/name and ns_name', async (t) => {
  const cases: Array<{ name: string; input: string; want: { namespace: string; name: string } | null }> = [
    { name: 'slash', input: 'certs/site-a', want: { namespace: 'certs', name: 'site-a' } },
    { name: 'underscore', input: 'certs_site-a', want: { namespace: 'certs', name: 'site-a' } },
    { name: 'dotted secret name', input: 'ns/a.example.com', want: { namespace: 'ns', name: 'a.example.com' } },
    { name: 'no separator', input: 'certs', want: null },
    { name: 'empty name', input: 'certs/', want: null },
    { name: 'upper-case namespace', input: 'Certs/a', want: null },
    { name: 'two separators', input: 'a/b/c', want: null },
  ];
  for (const c of cases) t.same(parseCertificateRef(c.input), c.want, c.name);
});

t.test(
  "one certificate for a domain everywhere is ALB's <domain> key; disagreeing Frontends keep their own",
  async (t) => {
    const sniOf = sniForPorts([
      { port: 443, domain: 'A.example.com', certificate: 'ns/a' },
      { port: 443, domain: 'b.example.com', certificate: 'ns/b2' },
      { port: 443, domain: 'b.example.com', certificate: 'ns/b1' },
      { port: 8443, domain: 'b.example.com', certificate: 'ns/b3' },
      { port: 8443, domain: '*.example.com', certificate: 'ns/wild' },
    ]);
    t.same(
      sniOf(443),
      [
        { host: '*.example.com', certificate: 'ns/wild' },
        { host: 'a.example.com', certificate: 'ns/a' },
        { host: 'b.example.com', certificate: 'ns/b1' },
      ],
      'the lowest name wins within a Frontend; single-certificate domains apply to every https port',
    );
    t.same(sniOf(8443), [
      { host: '*.example.com', certificate: 'ns/wild' },
      { host: 'a.example.com', certificate: 'ns/a' },
      { host: 'b.example.com', certificate: 'ns/b3' },
    ]);
    t.same(
      sniOf(9443),
      [
        { host: '*.example.com', certificate: 'ns/wild' },
        { host: 'a.example.com', certificate: 'ns/a' },
      ],
      'a port without its own gets only the domains with one certificate everywhere',
    );
  },
);

t.test('grpc Frontends are served as TLS listeners; grpc backends only behind them', async (t) => {
  const store = new ObjectStore();
  const parsed = parseManifest(
    'in.yaml',
    `apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: g-09443, namespace: kube-system, labels: { alb2.cpaas.io/name: g } }
spec: { port: 9443, protocol: grpc, certificate_name: certs/missing, backendProtocol: grpc }
---
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: g-00080, namespace: kube-system, labels: { alb2.cpaas.io/name: g } }
spec: { port: 80, protocol: http }
---
apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: plain-grpc, namespace: kube-system, labels: { alb2.cpaas.io/name: g, alb2.cpaas.io/frontend: g-00080 } }
spec: { dslx: [{ type: URL, values: [[STARTS_WITH, /]] }], backendProtocol: grpc }
`,
  );
  for (const object of parsed.objects) store.apply(object);
  const result = buildPolicy(store.snapshot(), { albName: 'g' });
  t.match(result.config.listeners, [
    { port: 80, protocol: 'http', rules: [] },
    { port: 9443, protocol: 'grpc', tls: { portCertificate: null, sni: [] } },
  ]);
  t.same(
    result.diagnostics.map((d) => `${d.object.name} ${d.code}`).sort(),
    [
      'g ALB_INSTANCE_NO_ALB',
      'missing ALB_INSTANCE_CERTIFICATE_NOT_FOUND',
      'g-09443 ALB_INSTANCE_BAD_CERTIFICATE',
      'plain-grpc ALB_INSTANCE_UNSUPPORTED',
    ].sort(),
  );
});
