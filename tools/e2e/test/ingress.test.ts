// Ingress translation in kube mode, on a real API server, with two instances of one ALB: the elected leader
// writes the translated Frontend and Rules (server-side apply) and the Ingress status; both instances serve them;
// edits and deletions follow; an Ingress of another class is left alone; when the leader dies the other instance
// takes over within the lease duration without deleting, recreating or rewriting any Rule.
import { kubeRequest, setupTestEnv, type TestEnv } from '@alb/kube-testenv';
import t from 'tap';
import { backend, serviceFor } from '../src/backends.ts';
import { apply, installCrds, read, remove, yaml, type Manifest } from '../src/cluster.ts';
import { backendAddress } from '../src/test-netns.ts';
import { eventually, freePort, httpGet, startInstance, type InstanceProcess } from '../src/instance-process.ts';

const albAddress = '192.0.2.77';
const leaseSeconds = 4;

type RuleObject = Manifest & { metadata: { uid: string; resourceVersion: string; labels: Record<string, string> } };

function ingress(name: string, paths: Array<[string, string]>, options: { cls?: string; annotations?: string } = {}) {
  const [manifest] = yaml(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: default${options.annotations === undefined ? '' : `, annotations: { ${options.annotations} }`} }
spec:
  ingressClassName: ${options.cls ?? 'ing'}
  rules:
    - host: shop.example.com
      http:
        paths:
${paths.map(([path, svc]) => `          - { path: ${path}, pathType: Prefix, backend: { service: { name: ${svc}, port: { number: 80 } } } }`).join('\n')}`);
  return manifest!;
}

async function translatedRules(env: TestEnv): Promise<RuleObject[]> {
  const response = await kubeRequest(env, {
    path: '/apis/crd.alauda.io/v1/namespaces/kube-system/rules?labelSelector=alb2.cpaas.io/source-type%3Dingress',
  });
  return ((response.json as { items: RuleObject[] }).items ?? []).sort((a, b) =>
    a.metadata.name < b.metadata.name ? -1 : 1,
  );
}

async function leaseHolder(env: TestEnv): Promise<string> {
  const lease = await kubeRequest(env, { path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/ing' });
  return (lease.json as { spec?: { holderIdentity?: string } }).spec?.holderIdentity ?? '';
}

t.test('Ingress translation by an elected leader, served by every instance', { timeout: 300_000 }, async (t) => {
  const env = await setupTestEnv(t);
  await installCrds(env);
  const address = backendAddress();
  await apply(
    env,
    ...serviceFor('web', address, await backend(t, address, 'web')),
    ...serviceFor('api', address, await backend(t, address, 'api')),
  );
  const port = await freePort();
  const [alb] = yaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: ing, namespace: kube-system }
spec: { address: "${albAddress}", type: nginx, config: { projects: [ALL_ALL], ingressHTTPPort: ${port}, ingressHTTPSPort: 0 } }`);
  await apply(env, alb!);

  // Two instances of the ALB, on two loopback addresses so each can be asked directly.
  const hosts = ['127.0.0.1', '127.0.0.2'];
  const instances: InstanceProcess[] = [];
  for (const bind of hosts) {
    const args = ['--source', 'kube', '--kubeconfig', env.kubeconfigPath, '--alb', 'ing', '--namespace', 'kube-system'];
    const timings = ['--lease-duration', String(leaseSeconds), '--renew-deadline', '3', '--retry-period', '0.5'];
    instances.push(
      await startInstance([...args, ...timings, '--bind', bind, '--ops-bind', '127.0.0.1'], (fn) => t.teardown(fn)),
    );
  }
  const shop = (host: string) => ({ host, headers: { host: 'shop.example.com' } });
  /** Waits until every live instance answers `path` with `body` (or status 404 when body is null). */
  const everywhere = async (path: string, body: string | null, on = hosts) => {
    for (const host of on) {
      const reply = await eventually(
        () => httpGet(port, path, shop(host)),
        (r) => (body === null ? r.status === 404 : r.body === body),
      );
      if (body === null) t.equal(reply.status, 404, `${host}: ${path} is not routed`);
      else t.equal(reply.body, body, `${host}: ${path} routes`);
    }
  };

  await apply(
    env,
    ingress('shop', [
      ['/api', 'api'],
      ['/web', 'web'],
    ]),
  );
  await everywhere('/api/cart', 'api: GET /api/cart');
  await everywhere('/web/home', 'web: GET /web/home');

  const frontend = await read(env, {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Frontend',
    metadata: { name: `ing-${String(port).padStart(5, '0')}`, namespace: 'kube-system' },
  });
  const albUid = (await read(env, alb!)).metadata.uid;
  t.match(frontend, {
    spec: { port, protocol: 'http' },
    metadata: { ownerReferences: [{ kind: 'ALB2', uid: albUid }] },
  });
  const rules = await translatedRules(env);
  t.equal(rules.length, 2, 'one Rule per path');
  t.match(rules[0], {
    metadata: {
      labels: { 'alb2.cpaas.io/source-name': 'shop', 'alb2.cpaas.io/frontend': frontend.metadata.name },
      ownerReferences: [{ kind: 'Frontend', uid: frontend.metadata.uid }],
    },
    spec: { source: { type: 'ingress', namespace: 'default', name: 'shop' } },
  });
  const managers = (rules[0]!.metadata as { managedFields?: Array<{ manager: string; operation: string }> })
    .managedFields;
  t.match(managers, [{ manager: 'alb-ingress', operation: 'Apply' }], 'written by server-side apply');

  const status = await eventually(
    () => read(env, ingress('shop', [])),
    (i) => (i.status as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress !== undefined,
  );
  t.same(
    status.status,
    { loadBalancer: { ingress: [{ ip: albAddress, ports: [{ port, protocol: 'TCP' }] }] } },
    'Ingress status names the ALB address and port',
  );

  // An edit: /api becomes /v2; the old path's Rule is deleted.
  await apply(
    env,
    ingress('shop', [
      ['/v2', 'api'],
      ['/web', 'web'],
    ]),
  );
  await everywhere('/v2/cart', 'api: GET /v2/cart');
  await everywhere('/api/cart', null);
  const edited = await eventually(
    () => translatedRules(env),
    (r) => r.length === 2 && r.every((rule) => (rule.spec as { url?: string }).url !== '/api'),
  );
  t.equal(edited.length, 2, 'the stale Rule is gone');

  // Another controller's Ingress: not served, no Rules, no status.
  await apply(env, ingress('foreign', [['/foreign', 'api']], { cls: 'nginx' }));
  // A bad annotation: reported as a Warning Event on the Ingress; the rest of it is served.
  await apply(
    env,
    ingress('shop2', [['/two', 'api']], { annotations: 'nginx.ingress.kubernetes.io/proxy-read-timeout: "soon"' }),
  );
  await everywhere('/two', 'api: GET /two');
  await everywhere('/foreign', null);
  t.notOk(
    (await translatedRules(env)).some((r) => r.metadata.labels['alb2.cpaas.io/source-name'] === 'foreign'),
    'no Rule for the other class',
  );
  t.same(
    (await read(env, ingress('foreign', []))).status,
    { loadBalancer: {} },
    'no status on it (as the API server created it)',
  );
  const events = await eventually(
    () =>
      kubeRequest(env, { path: '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dshop2' }).then(
        (r) => (r.json as { items: Array<{ type: string; reason: string; message: string }> }).items,
      ),
    (items) => items.length > 0,
  );
  t.match(events, [{ type: 'Warning', message: /proxy-read-timeout/ }], 'a Warning Event names the annotation');

  // The leader dies without releasing its Lease: the other instance takes over within the lease duration.
  const holder = await leaseHolder(env);
  const leaderIndex = instances.findIndex((i) => holder.endsWith(`-${i.child.pid}`));
  t.not(leaderIndex, -1, `the Lease names one of the instances (${holder})`);
  const before = await translatedRules(env);
  const killedAt = Date.now();
  instances[leaderIndex]!.child.kill('SIGKILL');
  const survivor = instances[1 - leaderIndex]!;
  const newHolder = await eventually(
    () => leaseHolder(env),
    (h) => h.endsWith(`-${survivor.child.pid}`),
    3 * leaseSeconds * 1000,
  );
  const takeoverMs = Date.now() - killedAt;
  t.ok(newHolder.endsWith(`-${survivor.child.pid}`), 'the survivor leads');
  // The lease duration counts from the survivor's last observation, before the kill; the bound is loose on
  // purpose (a busy machine), what it rules out is waiting for the dead instance to come back.
  t.ok(takeoverMs < 2 * leaseSeconds * 1000, `took over within the lease duration (${takeoverMs} ms)`);
  const survivorHost = hosts[1 - leaderIndex]!;

  // The new leader translates new changes ...
  await apply(env, ingress('shop3', [['/three', 'web']]));
  await everywhere('/three', 'web: GET /three', [survivorHost]);
  await everywhere('/v2/cart', 'api: GET /v2/cart', [survivorHost]);
  // ... and neither deleted, recreated nor rewrote any Rule it found.
  const after = (await translatedRules(env)).filter((r) => r.metadata.labels['alb2.cpaas.io/source-name'] !== 'shop3');
  t.same(
    after.map((r) => [r.metadata.name, r.metadata.uid, r.metadata.resourceVersion]),
    before.map((r) => [r.metadata.name, r.metadata.uid, r.metadata.resourceVersion]),
    'the same Rules, same uids, same resourceVersions after the failover',
  );
  // \b403\b: a bare 403 also occurs inside the log lines' millisecond timestamps (…2403…), which is no failure.
  t.notMatch(survivor.output(), /write failed|\b403\b|forbidden/i, 'no failed writes');

  // Deleting an Ingress takes its Rules and routes.
  await remove(env, ingress('shop', []));
  await everywhere('/v2/cart', null, [survivorHost]);
  const remaining = await eventually(
    () => translatedRules(env),
    (r) => r.every((rule) => rule.metadata.labels['alb2.cpaas.io/source-name'] !== 'shop'),
  );
  t.same(
    remaining.map((r) => r.metadata.labels['alb2.cpaas.io/source-name']).sort(),
    ['shop2', 'shop3'],
    'only the Rules of the remaining Ingresses are left',
  );
});
