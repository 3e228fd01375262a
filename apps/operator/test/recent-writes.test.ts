// Our own writes are trusted over the caches until their watch event arrives, and not forever.
import t from 'tap';
import { RecentWrites } from '../src/reconcile/recent-writes.ts';

const object = (rv: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: rv } });

t.test('held until forgotten (the watch event) or 30 s old', async (t) => {
  let now = 0;
  const recent = new RecentWrites(() => now);
  recent.set('/api/v1/namespaces/a/configmaps/c', object('7'));
  t.equal(recent.get('/api/v1/namespaces/a/configmaps/c')?.metadata.resourceVersion, '7');
  t.equal(recent.get('/api/v1/namespaces/b/configmaps/c'), undefined, 'by path');
  recent.forget('/api/v1/namespaces/a/configmaps/c');
  t.equal(recent.get('/api/v1/namespaces/a/configmaps/c'), undefined);
  recent.set('/x', object('8'));
  now = 30_000;
  t.ok(recent.get('/x'), 'still trusted at 30 s');
  now = 30_001;
  t.equal(recent.get('/x'), undefined, 'a lost event does not pin it');
  t.equal(recent.size(), 0, 'and it is dropped');
  recent.set('/y', object('9'));
  recent.clear();
  t.equal(recent.size(), 0);
});
