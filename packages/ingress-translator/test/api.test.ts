// The call's contract: bad configuration throws ALB_INGRESS_BAD_ARGUMENT; bad objects never throw (they come back
// as diagnostics); outputs share nothing with inputs or with each other.
import t from 'tap';
import type { Alb2, Frontend } from '@alb/crd-types';
import { AlbError, translateIngresses } from '../src/index.ts';
import type { Ingress } from '../src/index.ts';

const alb: Alb2 = {
  apiVersion: 'crd.alauda.io/v2beta1',
  kind: 'ALB2',
  metadata: { name: 'alb', namespace: 'cpaas-system' },
  spec: { config: { projects: ['ALL_ALL'], defaultSSLStrategy: 'Both' } },
};

t.test('bad configuration of the call throws ALB_INGRESS_BAD_ARGUMENT', async (t) => {
  const table = [
    { name: 'invalid label domain', input: { alb, ingresses: [], domain: 'Not A Domain' } },
    { name: 'ALB without a name', input: { alb: { ...alb, metadata: { name: '' } }, ingresses: [] } },
    { name: 'no ALB', input: { alb: undefined as unknown as Alb2, ingresses: [] } },
  ];
  for (const { name, input } of table)
    t.throws(() => translateIngresses(input), { code: 'ALB_INGRESS_BAD_ARGUMENT', constructor: AlbError }, name);
});

t.test('malformed Ingresses come back as diagnostics, never as exceptions', async (t) => {
  const table: Array<{ name: string; input: unknown; want: RegExp | null }> = [
    { name: 'rules not a list', input: { rules: 'x' }, want: /ALB_INGRESS_INVALID spec.rules/ },
    {
      name: 'paths not a list',
      input: { rules: [{ http: { paths: {} } }] },
      want: /ALB_INGRESS_INVALID spec.rules\[0\].http.paths/,
    },
    {
      name: 'path without backend',
      input: { rules: [{ http: { paths: [{ path: '/' }] } }] },
      want: /ALB_INGRESS_INVALID .*backend.service.name/,
    },
    { name: 'null path entry', input: { rules: [{ http: { paths: [null] } }] }, want: /ALB_INGRESS_INVALID/ },
    { name: 'null rule', input: { rules: [null] }, want: null },
    { name: 'tls not usable', input: { tls: [{ hosts: 'a' }, null], rules: [] }, want: null },
    { name: 'no spec', input: undefined, want: null },
  ];
  for (const { name, input, want } of table) {
    const ingress = { metadata: { name: 'bad', namespace: 'app' }, spec: input } as unknown as Ingress;
    const out = translateIngresses({
      alb,
      ingresses: [ingress, { metadata: {} } as Ingress, null as unknown as Ingress],
    });
    const text = out.diagnostics.map((d) => `${d.code} ${d.field}`).join('\n');
    if (want === null) t.equal(text, '', name);
    else t.match(text, want, name);
  }
});

t.test('outputs are fresh objects', async (t) => {
  const existing: Frontend = {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Frontend',
    metadata: { name: 'alb-00080', namespace: 'cpaas-system', labels: { 'alb2.cpaas.io/name': 'alb' } },
    spec: { port: 80, protocol: 'http', config: { timeout: { proxy_read_timeout_ms: 1 } } },
  };
  const before = structuredClone(existing);
  const ingress: Ingress = {
    metadata: { name: 'web', namespace: 'app', annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '5' } },
    spec: {
      rules: [
        {
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
          },
        },
      ],
    },
  };
  const out = translateIngresses({ alb, ingresses: [ingress], frontends: [existing] });
  t.equal(out.rules.length, 2, 'http and https Rules (strategy Both)');
  out.frontends[0]!.spec.config!.timeout!.proxy_read_timeout_ms = 99;
  out.frontends[0]!.metadata.labels!.x = 'y';
  t.same(existing, before, 'the input Frontend is untouched');
  const [a, b] = out.rules;
  a!.spec.dslx[0]!.values[0]![1] = '/changed';
  a!.spec.config!.timeout!.proxy_read_timeout_ms = 1;
  t.equal(b!.spec.dslx[0]!.values[0]![1], '/', 'Rules do not share dslx');
  t.equal(b!.spec.config!.timeout!.proxy_read_timeout_ms, 5000, 'Rules do not share config');
});
