// The documentation examples as typed literals: `tsc` (npm run typecheck) proves the generated types accept them.
import type { Alb2, Frontend, Rule } from '../src/index.ts';

export const alb2: Alb2 = {
  apiVersion: 'crd.alauda.io/v2beta1',
  kind: 'ALB2',
  metadata: { name: 'alb-demo', namespace: 'kube-system' },
  spec: {
    address: '172.20.0.5',
    type: 'nginx',
    config: { networkMode: 'host', loadbalancerName: 'alb-demo', projects: ['ALL_ALL'], replicas: 1 },
  },
};

export const frontend: Frontend = {
  apiVersion: 'crd.alauda.io/v1',
  kind: 'Frontend',
  metadata: { labels: { 'alb2.cpaas.io/name': 'alb-demo' }, name: 'alb-demo-00080', namespace: 'cpaas-system' },
  spec: {
    backendProtocol: 'http',
    certificate_name: '',
    port: 80,
    protocol: 'http',
    serviceGroup: { services: [{ name: 'hello-world', namespace: 'default', port: 80, weight: 100 }] },
  },
};

export const rule: Rule = {
  apiVersion: 'crd.alauda.io/v1',
  kind: 'Rule',
  metadata: {
    labels: { 'alb2.cpaas.io/frontend': 'alb-demo-00080', 'alb2.cpaas.io/name': 'alb-demo' },
    name: 'alb-demo-00080-test',
    namespace: 'kube-system',
  },
  spec: {
    backendProtocol: '',
    certificate_name: '',
    dslx: [
      { type: 'METHOD', values: [['EQ', 'POST']] },
      {
        type: 'URL',
        values: [
          ['STARTS_WITH', '/app-a'],
          ['STARTS_WITH', '/app-b'],
        ],
      },
      { type: 'PARAM', key: 'group', values: [['EQ', 'vip']] },
      { type: 'HOST', values: [['ENDS_WITH', '.app.com']] },
      { type: 'HEADER', key: 'LOCATION', values: [['IN', 'east-1', 'east-2']] },
      { type: 'COOKIE', key: 'uid', values: [['EXIST']] },
      { type: 'SRC_IP', values: [['RANGE', '1.1.1.1', '1.1.1.100']] },
    ],
    enableCORS: false,
    priority: 4,
    serviceGroup: { services: [{ name: 'hello-world', namespace: 'default', port: 80, weight: 100 }] },
  },
};

// The types are strict: each of these must fail to compile (tsc reports an unused @ts-expect-error otherwise).
export const strictness = [
  // @ts-expect-error an unknown protocol
  { ...frontend, spec: { ...frontend.spec, protocol: 'htp' } } satisfies Frontend,
  // @ts-expect-error a misspelt field
  { ...frontend, spec: { ...frontend.spec, servicegroup: {} } } satisfies Frontend,
  // @ts-expect-error a Rule needs dslx
  { ...rule, spec: { priority: 1 } } satisfies Rule,
];
