// Label and annotation keys, the Frontend naming rule, protocol helpers.
import t from 'tap';
import {
  annotations,
  frontendName,
  indexedIngressPrefix,
  ingressRulePriorityAnnotation,
  isL4Protocol,
  isL7Protocol,
  labels,
  labelValue,
  normalizeBackendProtocol,
  parseFrontendName,
  projectLabel,
} from '../src/index.ts';

t.test('label keys, default domain cpaas.io', async (t) => {
  t.same(labels(), {
    name: 'alb2.cpaas.io/name',
    frontend: 'alb2.cpaas.io/frontend',
    sourceType: 'alb2.cpaas.io/source-type',
    sourceName: 'alb2.cpaas.io/source-name',
    sourceNs: 'alb2.cpaas.io/source-ns',
    sourceIndex: 'alb2.cpaas.io/source-index',
    project: 'cpaas.io/project',
    projectPrefix: 'project.cpaas.io/',
    legacyProject: 'project.cpaas.io/name',
    role: 'cpaas.io/role',
    albType: 'alb2.cpaas.io/type',
  });
  t.equal(labels('example.com').frontend, 'alb2.example.com/frontend');
  t.equal(projectLabel('p1'), 'project.cpaas.io/p1');
  t.equal(labelValue('x'.repeat(70)).length, 63);
});

t.test('annotation keys', async (t) => {
  const a = annotations();
  t.equal(a.sourceIngressRuleIndex, 'alb2.cpaas.io/source-ingress-rule-index');
  t.equal(a.sourceIngressPathIndex, 'alb2.cpaas.io/source-ingress-path-index');
  t.equal(a.rewriteRequest, 'alb.rule.cpaas.io/rewrite-request');
  t.equal(a.frontendProxyProtocol, 'alb.frontend.cpaas.io/proxy-protocol');
  t.equal(a.frontendUdpResponses, 'alb.frontend.cpaas.io/udp-responses');
  t.equal(a.rewriteResponse, 'alb.rule.cpaas.io/rewrite-response');
  t.equal(annotations('x.io').ingressTls, 'alb.networking.x.io/tls');
  t.equal(ingressRulePriorityAnnotation(0, 1), 'alb.cpaas.io/ingress-rule-priority-0-1');
  t.equal(indexedIngressPrefix(2, 3), 'index.2-3.alb.ingress.cpaas.io/');
});

t.test('a bad domain throws', async (t) => {
  for (const domain of ['', 'UPPER.io', 'a/b', '-x.io'])
    t.throws(() => labels(domain), { code: 'ALB_CRD_BAD_ARGUMENT' }, JSON.stringify(domain));
  t.throws(() => annotations('a b'), { code: 'ALB_CRD_BAD_ARGUMENT' });
});

t.test('frontend names: <alb>-<port as 5 digits>', async (t) => {
  const cases = [
    { name: 'port 80', input: ['alb-demo', 80] as const, want: 'alb-demo-00080' },
    { name: 'port 65535', input: ['alb', 65535] as const, want: 'alb-65535' },
    { name: 'port 1', input: ['a-b-c', 1] as const, want: 'a-b-c-00001' },
  ];
  for (const c of cases) {
    t.equal(frontendName(c.input[0], c.input[1]), c.want, c.name);
    t.same(parseFrontendName(c.want), { alb: c.input[0], port: c.input[1] });
  }
  for (const port of [0, 65536, 80.5, NaN]) t.throws(() => frontendName('alb', port), { code: 'ALB_CRD_BAD_ARGUMENT' });
  t.throws(() => frontendName('', 80), { code: 'ALB_CRD_BAD_ARGUMENT' });
  for (const name of ['alb', 'alb-80', 'alb-00000', 'alb-99999', '-00080'])
    t.equal(parseFrontendName(name), null, name);
});

t.test('protocols', async (t) => {
  t.ok(isL7Protocol('grpc'));
  t.notOk(isL7Protocol('tcp'));
  t.ok(isL4Protocol('udp'));
  t.notOk(isL4Protocol('http'));
  t.equal(normalizeBackendProtocol('HTTPS'), 'https');
  t.equal(normalizeBackendProtocol(''), '');
  t.equal(normalizeBackendProtocol(undefined), '');
  t.equal(normalizeBackendProtocol('h2'), null);
});
