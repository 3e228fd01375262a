// The reflector against a real kube-apiserver (tools/kube-testenv): list then watch, a relist on 410 Gone (etcd
// compacted past the version it resumes from), and the backoff while the API server is down (driven by a manual
// clock), catching up by a relist when it returns.
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { Reflector, type ReflectorOptions } from '../../src/kube/reflector.ts';
import { ObjectStore } from '../../src/objects/object-store.ts';
import { eventually } from '../helpers.ts';
import { manualClock } from '../manual-clock.ts';
import { compactEtcd, freshNamespace, kubeEnv, must, type KubeEnv } from './kube-env.ts';

const silent = pino({ level: 'silent' });
const configMap = (namespace: string, name: string, value = '0') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { v: value },
});

function reflector(t: Test, kube: KubeEnv, namespace: string, options: ReflectorOptions = {}) {
  const store = new ObjectStore();
  const counts = { changes: 0 };
  const r = new Reflector(
    { kind: 'ConfigMap', apiVersion: 'v1', path: `/api/v1/namespaces/${namespace}/configmaps` },
    kube.client,
    store,
    () => counts.changes++,
    silent,
    options,
  );
  t.teardown(() => r.stop());
  const names = () =>
    (store.snapshot().get('ConfigMap') ?? []).map((o) => o.metadata.name).filter((n) => n !== 'kube-root-ca.crt');
  return { r, store, counts, names };
}

// Against an existing cluster (ALB_TESTENV_USE_EXISTING_CLUSTER=1) there is no etcd to compact, no server to stop.
const localOnly = process.env.ALB_TESTENV_USE_EXISTING_CLUSTER === '1' && 'needs the local API server';

t.test('relists on 410 Gone', { timeout: 300_000, skip: localOnly }, async (t) => {
  // The watch cache off: watches are served by etcd, so a compacted resourceVersion is expired at once.
  const kube = await kubeEnv(t, ['--watch-cache=false']);
  const ns = await freshNamespace(kube.env);
  await must(kube.env, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, 'a'));
  // Each watch ends after 2 s and is resumed from the last version seen.
  const { r, names } = reflector(t, kube, ns, { watchTimeoutSeconds: () => 2 });
  await r.start();
  t.equal(r.lists, 1);
  t.same(names(), ['a']);

  // Writes elsewhere move etcd on; compacting makes the version the next watch resumes from too old.
  const other = await freshNamespace(kube.env);
  await must(kube.env, 'POST', `/api/v1/namespaces/${other}/configmaps`, configMap(other, 'x'));
  await compactEtcd(kube.env);
  await eventually(
    async () => r.lists,
    (n) => n >= 2,
    30_000,
  );
  t.equal(r.expired, 1, 'the resumed watch got 410 Gone');
  t.equal(r.lists, 2, 'and relisted once');
  await must(kube.env, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, 'b'));
  t.same(
    await eventually(
      async () => names(),
      (list) => list.length === 2,
      10_000,
    ),
    ['a', 'b'],
    'and keeps watching',
  );
});

t.test(
  'backs off while the API server is down, then relists and catches up',
  { timeout: 300_000, skip: localOnly },
  async (t) => {
    const kube = await kubeEnv(t);
    const ns = await freshNamespace(kube.env);
    await must(kube.env, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, 'a'));
    await must(kube.env, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, 'b'));
    const clock = manualClock();
    const { r, names, counts, store } = reflector(t, kube, ns, { clock, backoffInitialMs: 200, backoffMaxMs: 1000 });
    await r.start();
    t.same(names(), ['a', 'b']);

    await kube.env.stopApiserver!();
    const waitFor = async (delay: number) =>
      t.same(
        await eventually(
          async () => clock.pending(),
          (p) => p.length === 1 && p[0] === delay,
          30_000,
        ),
        [delay],
        `waits ${delay} ms`,
      );
    await waitFor(200);
    t.same(names(), ['a', 'b'], 'the last known objects are kept');
    await clock.advance(200);
    await waitFor(400);
    await clock.advance(400);
    await waitFor(800);
    await clock.advance(800);
    await waitFor(1000);
    await clock.advance(1000);
    await waitFor(1000);
    t.same(clock.delays.slice(0, 5), [200, 400, 800, 1000, 1000], 'doubling up to the cap, on the clock');

    await kube.env.startApiserver!();
    // Changes made while the reflector was away: only a relist can see a deletion it missed.
    await must(kube.env, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/a`);
    await must(kube.env, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, 'c'));
    const changesBefore = counts.changes;
    const listsBefore = r.lists;
    await clock.advance(1000);
    t.same(
      await eventually(
        async () => names(),
        (list) => list.join() === 'b,c',
        30_000,
      ),
      ['b', 'c'],
      'relisted: a is gone, c is there',
    );
    t.equal(r.lists, listsBefore + 1);
    t.ok(counts.changes > changesBefore, 'and the change was reported');

    await must(kube.env, 'PUT', `/api/v1/namespaces/${ns}/configmaps/c`, {
      ...configMap(ns, 'c', '1'),
      metadata: { name: 'c', namespace: ns },
    });
    const value = async () => (store.get(`ConfigMap/${ns}/c`) as { data?: { v?: string } } | undefined)?.data?.v;
    t.equal(await eventually(value, (v) => v === '1', 10_000), '1', 'watching again');
    await kube.env.stopApiserver!();
    // A success reset the backoff: the next failure waits 200 ms again.
    await waitFor(200);
    await kube.env.startApiserver!();
  },
);
