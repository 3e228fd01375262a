// ALB's defaults under the user's config, and the checks that name the field (table).
import t from 'tap';
import { resolveAlb, maxAlbNameLength } from '../src/config/resolve-alb.ts';

const ctx = { image: 'alb-instance:0.1.0', version: '0.1.0', domain: 'cpaas.io' };
const alb = (config: object = {}, metadata: object = {}) => ({
  apiVersion: 'crd.alauda.io/v2beta1',
  kind: 'ALB2',
  metadata: { name: 'demo', namespace: 'ns', ...metadata },
  spec: { type: 'nginx', config },
});

t.test('defaults are ALB operator defaults', async (t) => {
  const r = resolveAlb(alb(), ctx);
  t.ok(r.ok, JSON.stringify(r.ok ? [] : r.issues));
  t.match(r.ok && r.alb, {
    networkMode: 'host',
    replicas: 3,
    enableIngress: true,
    defaultIngressClass: false,
    ingressHttpPort: 80,
    ingressHttpsPort: 443,
    metricsPort: 1936,
    maxTermSeconds: 30,
    antiAffinityKey: 'local',
    readonlyFS: true,
    loadBalancer: false,
    lbIpFamilyPolicy: 'PreferDualStack',
    image: 'alb-instance:0.1.0',
    imagePatch: null,
    workers: 2,
    resources: { limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '50m', memory: '128Mi' } },
  });
});

const workers = [
  { name: 'CPU limit rounded up', config: { resources: { limits: { cpu: '2500m' } } }, want: 3 },
  { name: 'capped by workerLimit', config: { resources: { limits: { cpu: '16' } }, workerLimit: 4 }, want: 4 },
  { name: 'default cap 8', config: { resources: { limits: { cpu: '64' } } }, want: 8 },
  { name: 'at least one', config: { resources: { limits: { cpu: '100m' } } }, want: 1 },
];
for (const { name, config, want } of workers) {
  t.test(`workers: ${name}`, async (t) => {
    const r = resolveAlb(alb(config), ctx);
    t.equal(r.ok && r.alb.workers, want);
  });
}

const images = [
  { name: 'no override', overwrite: undefined, want: ['alb-instance:0.1.0', null] },
  {
    name: 'an empty target applies to every version',
    overwrite: { image: [{ target: '', alb: 'r.example/alb:x' }] },
    want: ['r.example/alb:x', 'r.example/alb:x'],
  },
  {
    name: 'another version is skipped, this one applies',
    overwrite: {
      image: [
        { target: '9.9.9', alb: 'r.example/alb:old' },
        { target: '0.1.0', alb: 'r.example/alb:mine' },
      ],
    },
    want: ['r.example/alb:mine', 'r.example/alb:mine'],
  },
  {
    name: 'an entry without an image is skipped',
    overwrite: { image: [{ target: '' }] },
    want: ['alb-instance:0.1.0', null],
  },
];
for (const { name, overwrite, want } of images) {
  t.test(`image: ${name}`, async (t) => {
    const r = resolveAlb(alb(overwrite === undefined ? {} : { overwrite }), ctx);
    t.same(r.ok && [r.alb.image, r.alb.imagePatch], want);
  });
}

const invalid = [
  {
    name: 'schema: a bad enum',
    input: alb({ networkMode: 'bridge' }),
    path: 'spec.config.networkMode',
    code: 'ALB_CRD_ENUM',
  },
  {
    name: 'schema: a negative count',
    input: alb({ replicas: -2 }),
    path: 'spec.config.replicas',
    code: 'ALB_CRD_RANGE',
  },
  {
    name: 'a quantity that is not one',
    input: alb({ resources: { requests: { memory: '1 GB' } } }),
    path: 'spec.config.resources.requests.memory',
    code: 'ALB_OPERATOR_INVALID_SPEC',
  },
  {
    name: 'a name a Service cannot have',
    input: alb({}, { name: 'My_ALB' }),
    path: 'metadata.name',
    code: 'ALB_OPERATOR_INVALID_NAME',
  },
  {
    name: 'a name too long for the pod label',
    input: alb({}, { name: `a${'b'.repeat(maxAlbNameLength)}` }),
    path: 'metadata.name',
    code: 'ALB_OPERATOR_INVALID_NAME',
  },
  {
    name: 'portProjects that are not the JSON ALB expects',
    input: alb({ enablePortProject: true, portProjects: '[{"port":"9-3"}]' }),
    path: 'spec.config.portProjects',
    code: 'ALB_CRD_FORMAT',
  },
];
for (const { name, input, path, code } of invalid) {
  t.test(`invalid: ${name}`, async (t) => {
    const r = resolveAlb(input, ctx);
    t.notOk(r.ok);
    if (!r.ok) t.match(r.issues, [{ path, code, severity: 'error' }]);
  });
}

t.test('a name of exactly the longest length is fine', async (t) => {
  t.ok(resolveAlb(alb({}, { name: `a${'b'.repeat(maxAlbNameLength - 1)}` }), ctx).ok);
});

t.test('tolerate-all comes from the annotation', async (t) => {
  const r = resolveAlb(alb({}, { annotations: { 'alb.cpaas.io/tolerate-all': 'true' } }), ctx);
  t.equal(r.ok && r.alb.tolerateAll, true);
});
