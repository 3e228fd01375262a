// The leader's write decisions: what to apply, what to leave alone, what to delete, how status entries merge.
import t from 'tap';
import {
  applyBody,
  frontendNeedsWrite,
  mergedLoadBalancer,
  ruleNeedsWrite,
  sameJson,
  staleIngressRules,
  withFrontendOwner,
} from '../src/ingress/ingress-writes.ts';
import type { KubeObject } from '../src/objects/kube-object.ts';

const scope = { alb: 'alb1', namespace: 'kube-system', domain: 'cpaas.io' };

function rule(name: string, extra: Partial<KubeObject['metadata']> = {}, spec: unknown = { priority: 5 }): KubeObject {
  return {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Rule',
    metadata: {
      name,
      namespace: 'kube-system',
      labels: {
        'alb2.cpaas.io/name': 'alb1',
        'alb2.cpaas.io/frontend': 'alb1-00080',
        'alb2.cpaas.io/source-type': 'ingress',
      },
      ...extra,
    },
    spec,
  };
}

/** As the API server returns it: bookkeeping added, keys in another order. */
function stored(object: KubeObject): KubeObject {
  const copy = JSON.parse(JSON.stringify(object)) as KubeObject;
  return {
    status: { conditions: [] },
    spec: copy.spec,
    metadata: { ...copy.metadata, uid: 'u-1', resourceVersion: '7', generation: 1 },
    kind: copy.kind,
    apiVersion: copy.apiVersion,
  };
}

t.test('applyBody keeps intent only', async (t) => {
  const body = applyBody({
    ...stored(rule('r1', { annotations: {} })),
    spec: { priority: 5, url: undefined },
  });
  t.same(body, {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Rule',
    metadata: { name: 'r1', namespace: 'kube-system', labels: rule('r1').metadata.labels },
    spec: { priority: 5 },
  });
});

t.test('ruleNeedsWrite: new, equal, and every kind of difference', async (t) => {
  const desired = rule(
    'r1',
    { annotations: { a: '1' } },
    { priority: 5, dslx: [{ type: 'URL', values: [['EQ', '/']] }] },
  );
  t.ok(ruleNeedsWrite(desired, undefined), 'missing');
  t.notOk(ruleNeedsWrite(desired, stored(desired)), 'equal up to key order and bookkeeping');
  t.ok(ruleNeedsWrite({ ...desired, spec: { priority: 4, dslx: [] } }, stored(desired)), 'spec changed');
  const noAnnotation = rule('r1', {}, desired.spec);
  t.ok(ruleNeedsWrite(noAnnotation, stored(desired)), 'an annotation we no longer set is removed');
  const extraLabel = stored(desired);
  extraLabel.metadata.labels = { ...extraLabel.metadata.labels, 'cpaas.io/project': 'p1' };
  t.ok(ruleNeedsWrite(desired, extraLabel), 'a label we no longer set is removed');
  const owned = withFrontendOwner(desired, new Map([['alb1-00080', 'ft-uid']]), 'cpaas.io');
  t.ok(ruleNeedsWrite(owned, stored(desired)), 'an owner to add');
  t.notOk(ruleNeedsWrite(owned, stored(owned)));
});

t.test('withFrontendOwner fills in the Frontend uid once known, and keeps owners already set', async (t) => {
  const uids = new Map([['alb1-00080', 'ft-uid']]);
  t.same(withFrontendOwner(rule('r1'), uids, 'cpaas.io').metadata.ownerReferences, [
    { apiVersion: 'crd.alauda.io/v1', kind: 'Frontend', name: 'alb1-00080', uid: 'ft-uid' },
  ]);
  t.equal(withFrontendOwner(rule('r1'), new Map(), 'cpaas.io').metadata.ownerReferences, undefined, 'not known yet');
  const preset = rule('r1', { ownerReferences: [{ apiVersion: 'v', kind: 'Frontend', name: 'x', uid: 'other' }] });
  t.equal(withFrontendOwner(preset, uids, 'cpaas.io'), preset);
});

t.test('frontendNeedsWrite: the translator fills in a shared Frontend, users may add to it', async (t) => {
  const desired: KubeObject = {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Frontend',
    metadata: { name: 'alb1-00080', namespace: 'kube-system', labels: { 'alb2.cpaas.io/name': 'alb1' } },
    spec: { port: 80, protocol: 'http' },
  };
  t.ok(frontendNeedsWrite(desired, undefined));
  const existing = stored(desired);
  existing.metadata.labels = { ...existing.metadata.labels, team: 'a' };
  t.notOk(frontendNeedsWrite(desired, existing), 'labels added by users do not matter');
  t.ok(frontendNeedsWrite({ ...desired, spec: { port: 80, protocol: 'http', serviceGroup: {} } }, existing));
  const owned = {
    ...desired,
    metadata: { ...desired.metadata, ownerReferences: [{ apiVersion: 'v', kind: 'ALB2', name: 'alb1', uid: 'a' }] },
  };
  t.ok(frontendNeedsWrite(owned, existing), 'owner missing');
  t.notOk(frontendNeedsWrite(owned, stored(owned)));
});

t.test('staleIngressRules: only this ALB translated Rules nothing produces any more', async (t) => {
  const kept = rule('kept');
  const stale = rule('stale');
  const handWritten = rule('hand', { labels: { 'alb2.cpaas.io/name': 'alb1' } });
  const otherAlb = rule('other', { labels: { 'alb2.cpaas.io/name': 'alb2', 'alb2.cpaas.io/source-type': 'ingress' } });
  const otherNamespace = { ...stale, metadata: { ...stale.metadata, name: 'elsewhere', namespace: 'default' } };
  t.same(
    staleIngressRules([kept, stale, handWritten, otherAlb, otherNamespace], [kept], scope).map((r) => r.metadata.name),
    ['stale'],
  );
});

t.test('mergedLoadBalancer: ours replaced, others kept, no-op detected', async (t) => {
  const ours = new Set(['10.0.0.1', 'lb.example.com']);
  const other = { ip: '172.16.0.9', ports: [{ port: 80, protocol: 'TCP' as const }] };
  const mine = { ip: '10.0.0.1', ports: [{ port: 80, protocol: 'TCP' as const }] };
  t.same(mergedLoadBalancer([other], [mine], ours), [other, mine], 'added after the others');
  t.equal(mergedLoadBalancer([other, mine], [mine], ours), undefined, 'unchanged');
  t.same(mergedLoadBalancer([other, mine], [], ours), [other], 'removed');
  t.same(
    mergedLoadBalancer([{ hostname: 'lb.example.com', ports: [] }], [mine], ours),
    [mine],
    'host name entries are ours too',
  );
  t.equal(mergedLoadBalancer([other], [], ours), undefined, 'nothing of ours: nothing to write');
});

t.test('sameJson', async (t) => {
  t.ok(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }));
  t.notOk(sameJson([1, 2], [2, 1]));
  t.notOk(sameJson({ a: 1 }, { a: 1, b: 2 }));
  t.notOk(sameJson({ a: undefined }, { b: undefined }));
  t.notOk(sameJson(null, {}));
  t.notOk(sameJson([], {}));
});
