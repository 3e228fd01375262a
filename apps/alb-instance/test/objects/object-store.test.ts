// The object store: what counts as a change, snapshots, relists.
import t from 'tap';
import type { KubeObject } from '../../src/objects/kube-object.ts';
import { ObjectStore } from '../../src/objects/object-store.ts';

const rule = (name: string, extra: Partial<KubeObject> = {}, rv = '1'): KubeObject => ({
  apiVersion: 'crd.alauda.io/v1',
  kind: 'Rule',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  spec: { priority: 5 },
  ...extra,
});

t.test('apply and remove say whether anything changed', async (t) => {
  const store = new ObjectStore();
  const cases: Array<{ name: string; run: () => boolean; want: boolean }> = [
    { name: 'a new object', run: () => store.apply(rule('a')), want: true },
    { name: 'the same object again', run: () => store.apply(rule('a')), want: false },
    { name: 'only a new resourceVersion', run: () => store.apply(rule('a', {}, '2')), want: false },
    { name: 'only a new status', run: () => store.apply(rule('a', { status: { x: 1 } }, '3')), want: false },
    {
      name: 'managedFields only',
      run: () => {
        const r = rule('a', {}, '4');
        (r.metadata as Record<string, unknown>).managedFields = [{ manager: 'kubectl' }];
        return store.apply(r);
      },
      want: false,
    },
    { name: 'a spec change', run: () => store.apply(rule('a', { spec: { priority: 6 } }, '5')), want: true },
    { name: 'removing it', run: () => store.remove('Rule/ns/a'), want: true },
    { name: 'removing it again', run: () => store.remove('Rule/ns/a'), want: false },
  ];
  for (const c of cases) t.equal(c.run(), c.want, c.name);
});

t.test('an ALB2 status change is a change (it carries the addresses Ingress status reports)', async (t) => {
  const store = new ObjectStore();
  const alb = (address: string): KubeObject => ({
    apiVersion: 'crd.alauda.io/v2beta1',
    kind: 'ALB2',
    metadata: { name: 'x', namespace: 'ns' },
    status: { detail: { address } },
  });
  store.apply(alb('1.1.1.1'));
  t.equal(store.apply(alb('2.2.2.2')), true);
});

t.test('get answers the newest status; an unchanged resourceVersion keeps the object held', async (t) => {
  const store = new ObjectStore();
  const first = rule('a', {}, '1');
  store.apply(first);
  store.apply(rule('a', {}, '1'));
  t.equal(store.get('Rule/ns/a'), first, 'same version: the first object stays (identity-keyed caches)');
  const newer = rule('a', { status: { ok: true } }, '2');
  store.apply(newer);
  t.equal(store.get('Rule/ns/a'), newer, 'a new version: the newest object');
});

t.test('snapshots: by kind, sorted by key, cached until something changes', async (t) => {
  const store = new ObjectStore();
  store.apply(rule('b'));
  store.apply(rule('a'));
  store.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  const snapshot = store.snapshot();
  t.same(
    snapshot.get('Rule')!.map((o) => o.metadata.name),
    ['a', 'b'],
  );
  t.equal(snapshot.get('Namespace')!.length, 1);
  t.equal(store.snapshot(), snapshot, 'the same snapshot while nothing changed');
  store.apply(rule('a', {}, '9'));
  t.equal(store.snapshot(), snapshot, 'a new resourceVersion alone is not a change');
  store.apply(rule('c'));
  const next = store.snapshot();
  t.not(next, snapshot);
  t.equal(snapshot.get('Rule')!.length, 2, 'an old snapshot is not changed by later applies');
  t.equal(next.get('Rule')!.length, 3);
  t.equal(store.size, 4);
});

t.test('replaceAll (a relist) replaces only the given kinds, and says whether anything changed', async (t) => {
  const store = new ObjectStore();
  store.apply(rule('a'));
  store.apply(rule('b'));
  store.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
  t.equal(store.replaceAll([rule('a'), rule('b')], ['Rule']), false, 'the same objects: no change');
  t.equal(store.replaceAll([rule('b'), rule('c')], ['Rule']), true);
  t.same(
    store
      .snapshot()
      .get('Rule')!
      .map((o) => o.metadata.name),
    ['b', 'c'],
    'a gone, c new',
  );
  t.ok(store.get('Namespace//ns'), 'other kinds untouched');
  t.equal(store.replaceAll([], ['Rule']), true);
  t.equal(store.snapshot().get('Rule'), undefined, 'an empty relist empties the kind');
});

t.test('replaceAll with an owner: a relist of TLS Secrets keeps the basic-auth Secrets others follow', async (t) => {
  const secret = (name: string, type: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
    type,
  });
  const store = new ObjectStore();
  store.apply(secret('cert', 'kubernetes.io/tls'));
  store.apply(secret('users', 'Opaque'));
  const tls = (o: KubeObject) => o.type === 'kubernetes.io/tls';
  t.equal(store.replaceAll([], ['Secret'], tls), true, 'the TLS Secret is gone');
  t.ok(store.get('Secret/default/users'), 'the basic-auth Secret is kept');
  t.notOk(store.get('Secret/default/cert'));
  const users = (o: KubeObject) => o.metadata.name === 'users';
  store.apply(secret('cert', 'kubernetes.io/tls'));
  t.equal(store.replaceAll([], ['Secret'], users), true);
  t.ok(store.get('Secret/default/cert'), 'a named relist keeps the TLS Secret');
});
