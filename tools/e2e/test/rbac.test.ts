// deploy/instance/rbac.yaml is enough for an instance (it routes and writes status with only those rights) and
// no more than needed (it cannot read Secrets or write specs).
import { readFileSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeRequest, renderKubeconfig, setupTestEnv } from '@alb/kube-testenv';
import t from 'tap';
import { apply, installCrds, read, yaml, type Manifest } from '../src/cluster.ts';
import { eventually, freePort, httpGet, startInstance } from '../src/instance-process.ts';

t.test('the instance works with exactly the rights of deploy/instance/rbac.yaml', { timeout: 300_000 }, async (t) => {
  const env = await setupTestEnv(t, { users: [{ name: 'alb-instance', groups: ['alb:instances'] }] });
  await installCrds(env);
  const manifests = yaml(readFileSync(new URL('../../../deploy/instance/rbac.yaml', import.meta.url), 'utf8'));
  // The same roles, bound to the test user's group instead of the ServiceAccount (no token controller here).
  const group = [{ kind: 'Group', name: 'alb:instances', apiGroup: 'rbac.authorization.k8s.io' }];
  for (const object of manifests) {
    if (object.kind === 'ServiceAccount') continue;
    await apply(env, object.kind.endsWith('Binding') ? { ...object, subjects: group } : object);
  }
  const token = env.userTokens['alb-instance']!;
  const kubeconfig = join(env.dir!, 'alb-instance.kubeconfig');
  writeFileSync(
    kubeconfig,
    renderKubeconfig({ server: env.server, token, ...(env.caData !== undefined && { caData: env.caData }) }),
  );

  const port = await freePort();
  const [frontend, rule] = yaml(`apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: rbac-${String(port).padStart(5, '0')}, namespace: kube-system, labels: { alb2.cpaas.io/name: rbac } }
spec: { port: ${port}, protocol: http }
---
apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: rbac-bad, namespace: kube-system, labels: { alb2.cpaas.io/name: rbac, alb2.cpaas.io/frontend: rbac-${String(port).padStart(5, '0')} } }
spec: { dslx: [{ type: URL, values: [[EQ]] }] }`) as [Manifest, Manifest];
  await apply(env, frontend, rule);
  const instance = await startInstance(
    [
      '--source',
      'kube',
      '--kubeconfig',
      kubeconfig,
      '--alb',
      'rbac',
      '--namespace',
      'kube-system',
      '--bind',
      '127.0.0.1',
    ],
    (fn) => t.teardown(fn),
  );
  t.equal((await httpGet(port, '/')).status, 404, 'serving (no rule matches: 404)');
  const written = await eventually(
    () => read(env, rule),
    (r) => (r.status as { conditions?: unknown[] } | undefined)?.conditions !== undefined,
  );
  t.match(
    (written.status as { conditions: unknown[] }).conditions,
    [{ type: 'Accepted', status: 'False' }],
    'status written with these rights',
  );
  t.notMatch(instance.output(), /403|forbidden/i, 'no request was forbidden');

  const can = (path: string, method = 'GET', body?: unknown) =>
    kubeRequest(env, { path, method, body, token }).then((r) => r.status);
  t.equal(await can('/api/v1/namespaces/kube-system/secrets'), 403, 'cannot read Secrets');
  t.equal(await can('/apis/crd.alauda.io/v1/namespaces/kube-system/rules', 'POST', rule), 403, 'cannot create Rules');
  t.equal(await can('/api/v1/namespaces/kube-system/pods'), 403, 'cannot read Pods');
  t.equal(await can('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/rbac'), 200, 'it holds its Lease');
  t.equal(await can('/apis/coordination.k8s.io/v1/namespaces/default/leases'), 403, 'no Leases elsewhere');
});
