// "No write when nothing differs": what counts as the same (API server defaults, canonical quantities) and what
// does not (a field we stopped setting, someone else changing ours).
import t from 'tap';
import type { KubeObject } from '../src/kube/kube-object.ts';
import { appliedHashAnnotation, isSubset, stableJson, upToDate, withAppliedHash } from '../src/sync/up-to-date.ts';
import { albMetadataUpToDate, appliedLabelKeys } from '../src/sync/alb-metadata-sync.ts';

const desired = withAppliedHash({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'n', labels: { a: '1' } },
  spec: {
    replicas: 2,
    template: {
      spec: {
        nodeSelector: { zone: 'x' },
        containers: [{ name: 'alb', resources: { limits: { cpu: '0.5', memory: '1Gi' } } }],
      },
    },
  },
});
/** What the API server stores: our fields, defaults added, quantities canonical, status, other labels. */
const stored = (): KubeObject => ({
  ...desired,
  metadata: { ...desired.metadata, labels: { a: '1', other: 'x' }, resourceVersion: '9', uid: 'u' },
  spec: {
    replicas: 2,
    progressDeadlineSeconds: 600,
    template: {
      spec: {
        nodeSelector: { zone: 'x' },
        restartPolicy: 'Always',
        containers: [
          { name: 'alb', imagePullPolicy: 'IfNotPresent', resources: { limits: { cpu: '500m', memory: '1Gi' } } },
        ],
      },
    },
  },
  status: { readyReplicas: 2 },
});

t.test('the stored object with defaults and canonical quantities is up to date', async (t) => {
  t.ok(upToDate(desired, stored()));
});

t.test('absent, or another hash (we stopped setting a field), or a changed field of ours: apply', async (t) => {
  t.notOk(upToDate(desired, undefined));
  const spec = desired.spec as { template: { spec: { nodeSelector?: object; containers: unknown[] } } };
  const { nodeSelector: _dropped, ...podSpec } = spec.template.spec;
  const withoutSelector = withAppliedHash({
    ...desired,
    metadata: { ...desired.metadata, annotations: {} },
    spec: { ...spec, template: { spec: podSpec } },
  });
  t.notOk(
    upToDate(withoutSelector, stored()),
    'nodeSelector dropped: the hash differs, so it is applied (and removed)',
  );
  const scaled = stored();
  (scaled.spec as { replicas: number }).replicas = 5;
  t.notOk(upToDate(desired, scaled), 'kubectl scale changed our replicas');
  const extraContainer = stored();
  (extraContainer.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.push({
    name: 'x',
  });
  t.notOk(upToDate(desired, extraContainer), 'a list of another length');
});

t.test('the hash ignores key order and is in the annotation', async (t) => {
  const a = withAppliedHash({ apiVersion: 'v1', kind: 'X', metadata: { name: 'n' }, spec: { a: 1, b: 2 } });
  const b = withAppliedHash({ kind: 'X', apiVersion: 'v1', spec: { b: 2, a: 1 }, metadata: { name: 'n' } });
  t.equal(a.metadata.annotations![appliedHashAnnotation], b.metadata.annotations![appliedHashAnnotation]);
  t.equal(stableJson({ b: [1, { d: 1, c: 2 }], a: null }), '{"a":null,"b":[1,{"c":2,"d":1}]}');
  t.ok(isSubset({ a: undefined }, {}, []), 'undefined members are not set');
  t.notOk(isSubset({ a: '1' }, { a: 1 }, []), 'a string is not a number');
});

t.test('ALB2 labels and finalizer: present, and no label of ours left behind', async (t) => {
  const alb = (labels: Record<string, string>, owned: string[], finalizers = ['alb.cpaas.io/operator-cleanup']) =>
    ({
      apiVersion: 'crd.alauda.io/v2beta1',
      kind: 'ALB2',
      metadata: {
        name: 'a',
        labels,
        finalizers,
        managedFields: [
          { manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } } },
          {
            manager: 'alb-operator',
            operation: 'Apply',
            fieldsV1: { 'f:metadata': { 'f:labels': Object.fromEntries(owned.map((k) => [`f:${k}`, {}])) } },
          },
          { manager: 'alb-operator', operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': {} } },
        ],
      },
    }) as KubeObject;
  const want = { labels: { 'project.cpaas.io/p1': 'true' }, finalizers: ['alb.cpaas.io/operator-cleanup'] };
  const current = alb({ team: 'x', 'project.cpaas.io/p1': 'true' }, ['project.cpaas.io/p1']);
  t.same(appliedLabelKeys(current, 'alb-operator'), ['project.cpaas.io/p1']);
  t.ok(albMetadataUpToDate(want, current, 'alb-operator'), "the user's own label is not ours to judge");
  t.notOk(
    albMetadataUpToDate(
      want,
      alb({ 'project.cpaas.io/p1': 'true', 'project.cpaas.io/p0': 'true' }, [
        'project.cpaas.io/p1',
        'project.cpaas.io/p0',
      ]),
      'alb-operator',
    ),
    'a project removed from the spec: our label must go',
  );
  t.notOk(
    albMetadataUpToDate(want, alb({ 'project.cpaas.io/p1': 'true' }, ['project.cpaas.io/p1'], []), 'alb-operator'),
    'finalizer missing',
  );
  t.notOk(albMetadataUpToDate(want, alb({}, []), 'alb-operator'), 'label missing');
});
