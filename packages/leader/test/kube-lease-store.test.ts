// KubeLeaseStore maps Lease records to requests and HTTP answers to results. Its behaviour against a real API server
// (conflicts, takeover) is covered end to end by tools/e2e (the instances' and the operator's failover tests); here:
// the request each call sends, and what each answer becomes.
import t from 'tap';
import { KubeLeaseStore, LeaseApiError, LeaseConflictError, type LeaseApiResponse } from '../src/index.ts';
import type { LeaseRecord } from '../src/index.ts';

type Sent = { method: string; path: string; body: unknown };

function storeAnswering(response: LeaseApiResponse): { store: KubeLeaseStore; sent: Sent[] } {
  const sent: Sent[] = [];
  const store = new KubeLeaseStore(
    {
      request: async (method, path, body) => {
        sent.push({ method, path, body });
        return response;
      },
    },
    'alb-system',
    'alb-operator',
  );
  return { store, sent };
}

const record: LeaseRecord = {
  holderIdentity: 'alb-system/op-1',
  leaseDurationSeconds: 15,
  acquireTime: '2025-01-02T03:04:05.000000Z',
  renewTime: '2025-01-02T03:04:06.000000Z',
  leaseTransitions: 2,
};
const path = '/apis/coordination.k8s.io/v1/namespaces/alb-system/leases';
const ok = (status: number, rv: string, spec: object = {}): LeaseApiResponse => ({
  status,
  json: { metadata: { resourceVersion: rv }, spec },
  text: '',
});

t.test('get: 200 is the record and version, 404 is null, absent fields read as empty', async (t) => {
  const full = storeAnswering(ok(200, '7', { ...record }));
  t.same(await full.store.get(), { record, version: '7' });
  t.same(full.sent, [{ method: 'GET', path: `${path}/alb-operator`, body: undefined }]);
  const bare = storeAnswering(ok(200, '8', { holderIdentity: '' }));
  t.same(await bare.store.get(), {
    record: { holderIdentity: null, leaseDurationSeconds: 0, acquireTime: null, renewTime: null, leaseTransitions: 0 },
    version: '8',
  });
  t.equal(await storeAnswering({ status: 404, json: null, text: '' }).store.get(), null);
});

t.test('create posts the Lease; update puts it with the version it read', async (t) => {
  const created = storeAnswering(ok(201, '9'));
  t.same(await created.store.create(record), { version: '9' });
  t.match(created.sent[0], {
    method: 'POST',
    path,
    body: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'alb-operator', namespace: 'alb-system' },
      spec: record,
    },
  });
  t.notOk('resourceVersion' in (created.sent[0]!.body as { metadata: object }).metadata);
  const updated = storeAnswering(ok(200, '10'));
  t.same(await updated.store.update({ ...record, holderIdentity: null, renewTime: null }, '9'), { version: '10' });
  t.match(updated.sent[0], {
    method: 'PUT',
    path: `${path}/alb-operator`,
    body: { metadata: { resourceVersion: '9' }, spec: { leaseDurationSeconds: 15, leaseTransitions: 2 } },
  });
  const spec = (updated.sent[0]!.body as { spec: object }).spec;
  t.notOk('holderIdentity' in spec, 'a released lease has no holder');
  t.notOk('renewTime' in spec);
});

t.test('409 is a lost race; anything else unexpected is a LeaseApiError with the status', async (t) => {
  const conflict = { status: 409, json: null, text: '{"message":"the object has been modified"}' };
  await t.rejects(storeAnswering(conflict).store.create(record), LeaseConflictError);
  await t.rejects(storeAnswering(conflict).store.update(record, '1'), LeaseConflictError);
  const forbidden = {
    status: 403,
    json: null,
    text: '{"message":"leases.coordination.k8s.io \\"alb-operator\\" is forbidden"}',
  };
  for (const call of [
    (s: KubeLeaseStore) => s.get(),
    (s: KubeLeaseStore) => s.create(record),
    (s: KubeLeaseStore) => s.update(record, '1'),
  ]) {
    const error = await call(storeAnswering(forbidden).store).catch((e: unknown) => e);
    t.ok(error instanceof LeaseApiError);
    t.equal((error as LeaseApiError).status, 403);
    t.equal((error as LeaseApiError).code, 'ALB_LEADER_LEASE_API');
    t.match((error as Error).message, /403 leases\.coordination\.k8s\.io "alb-operator" is forbidden/);
  }
  const error = await storeAnswering({ status: 503, json: null, text: 'upstream down' })
    .store.get()
    .catch((e: unknown) => e);
  t.match((error as Error).message, /GET .*alb-operator: 503 upstream down/);
});
