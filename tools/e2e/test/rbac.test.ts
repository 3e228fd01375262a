// The instance ClusterRoles of deploy/operator/instance-rbac.yaml, bound as the operator binds them (alb-instance
// cluster-wide, alb-instance-leader in the ALB's namespace), are enough for an instance (it routes, writes status and
// translates Ingresses with only those rights) and no more than needed (it can list and watch Secrets, for its
// field-selected watch of kubernetes.io/tls ones and its by-name watches of the basic-auth Secrets Rules name, but
// not get or write any; it cannot write Rules elsewhere or write Ingress specs).
import { readFileSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeRequest, renderKubeconfig, setupTestEnv } from '@alb/kube-testenv';
import t from 'tap';
import { backend, serviceFor } from '../src/backends.ts';
import { apply, installCrds, read, yaml, type Manifest } from '../src/cluster.ts';
import { backendAddress } from '../src/test-netns.ts';
import { eventually, freePort, httpGet, startInstance } from '../src/instance-process.ts';

t.test('the instance works with exactly the rights of the instance ClusterRoles', { timeout: 300_000 }, async (t) => {
  const env = await setupTestEnv(t, { users: [{ name: 'alb-instance', groups: ['alb:instances'] }] });
  await installCrds(env);
  const roles = yaml(readFileSync(new URL('../../../deploy/operator/instance-rbac.yaml', import.meta.url), 'utf8'));
  // Bound to the test user's group as the operator binds them to an ALB's ServiceAccount (no token controller here).
  const bindings = yaml(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: alb-instance-test }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: alb-instance }
subjects: [{ kind: Group, name: 'alb:instances', apiGroup: rbac.authorization.k8s.io }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: alb-instance-leader-test, namespace: kube-system }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: alb-instance-leader }
subjects: [{ kind: Group, name: 'alb:instances', apiGroup: rbac.authorization.k8s.io }]`);
  await apply(env, ...roles, ...bindings);
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
  // Ingress translation (leader-only writes): a new Frontend, a Rule, the Ingress status.
  const ingressPort = await freePort();
  const [alb, ingress] = yaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: rbac, namespace: kube-system }
spec: { address: 192.0.2.9, type: nginx, config: { projects: [ALL_ALL], ingressHTTPPort: ${ingressPort}, ingressHTTPSPort: 0 } }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: default }
spec:
  ingressClassName: rbac
  rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]`) as [
    Manifest,
    Manifest,
  ];
  const address = backendAddress();
  await apply(env, frontend, rule, alb, ingress, ...serviceFor('web', address, await backend(t, address, 'web')));
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
  const translated = await eventually(
    () => read(env, ingress),
    (i) => (i.status as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress !== undefined,
  );
  t.match(translated.status, { loadBalancer: { ingress: [{ ip: '192.0.2.9' }] } }, 'Ingress status written');
  const served = await eventually(
    () => httpGet(ingressPort, '/'),
    (r) => r.status === 200,
  );
  t.equal(served.body, 'web: GET /', 'the translated Rule is served');
  t.notMatch(instance.output(), /\b403\b|forbidden/i, 'no request was forbidden');

  const can = (path: string, method = 'GET', body?: unknown) =>
    kubeRequest(env, { path, method, body, token }).then((r) => r.status);
  // TLS certificates (by type) and basic-auth Secrets (by name): list and watch, as RBAC cannot narrow either.
  t.equal(
    await can('/api/v1/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls'),
    200,
    'lists TLS Secrets (its certificate watch)',
  );
  t.equal(await can('/api/v1/namespaces/kube-system/secrets'), 200, 'lists Secrets (basic-auth users)');
  t.equal(await can('/api/v1/namespaces/kube-system/secrets/any'), 403, 'cannot get a Secret by name');
  t.equal(
    await can('/api/v1/namespaces/kube-system/secrets', 'POST', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'x' },
    }),
    403,
    'cannot create Secrets',
  );
  t.equal(await can('/api/v1/namespaces/kube-system/secrets/x', 'DELETE'), 403, 'cannot delete Secrets');
  t.equal(
    await can('/apis/crd.alauda.io/v1/namespaces/default/rules', 'POST', { ...rule, metadata: { name: 'x' } }),
    403,
    'cannot create Rules outside its namespace',
  );
  t.equal(
    await can(`/apis/crd.alauda.io/v1/namespaces/kube-system/frontends/${frontend.metadata.name}`, 'DELETE'),
    403,
    'cannot delete Frontends',
  );
  t.equal(
    await can('/apis/networking.k8s.io/v1/namespaces/default/ingresses/shop', 'PUT', translated),
    403,
    'cannot write Ingress specs',
  );
  t.equal(await can('/api/v1/namespaces/kube-system/pods'), 403, 'cannot read Pods');
  t.equal(await can('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/rbac'), 200, 'it holds its Lease');
  t.equal(await can('/apis/coordination.k8s.io/v1/namespaces/default/leases'), 403, 'no Leases elsewhere');
});
