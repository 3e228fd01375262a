// alb-instance --source kube against a real kube-apiserver: the documentation's objects route, changes and
// deletions propagate, an invalid Rule gets its condition while the others keep serving, and the data plane keeps
// serving while the API server is down and catches up when it returns.
import { kubeRequest, setupTestEnv, type TestEnv } from '@alb/kube-testenv';
import t from 'tap';
import { backend, serviceFor } from '../src/backends.ts';
import { apply, installCrds, read, remove, yaml, type Manifest } from '../src/cluster.ts';
import { backendAddress } from '../src/test-netns.ts';
import { eventually, freePort, httpGet, startInstance } from '../src/instance-process.ts';

/** A request the documentation's seven-term rule matches (the client IP comes from a trusted X-Forwarded-For). */
const sevenTermRequest = {
  method: 'POST',
  headers: {
    host: 'shop.app.com',
    location: 'east-1',
    cookie: 'uid=7',
    'x-forwarded-for': '1.1.1.5',
    'content-length': '0',
  },
};

t.test('kube mode end to end', { timeout: 300_000 }, async (t) => {
  const env: TestEnv = await setupTestEnv(t);
  await installCrds(env);
  const address = backendAddress();
  const helloPort = await backend(t, address, 'hello-world');
  const webPort = await backend(t, address, 'web');
  const port = await freePort();
  await apply(env, ...yaml('apiVersion: v1\nkind: Namespace\nmetadata: { name: cpaas-system }'));
  await apply(env, ...serviceFor('hello-world', address, helloPort), ...serviceFor('web', address, webPort));
  // The documentation's objects, with a free port instead of 80 and a default backend to tell misses apart.
  const [alb, frontend, rule] = yaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: alb-demo, namespace: kube-system }
spec: { address: "172.20.0.5", type: nginx, config: { networkMode: host, loadbalancerName: alb-demo, projects: [ALL_ALL], replicas: 1 } }
---
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: alb-demo-${String(port).padStart(5, '0')}, namespace: cpaas-system, labels: { alb2.cpaas.io/name: alb-demo } }
spec:
  backendProtocol: http
  certificate_name: ""
  port: ${port}
  protocol: http
  serviceGroup: { services: [{ name: web, namespace: default, port: 80, weight: 100 }] }
---
apiVersion: crd.alauda.io/v1
kind: Rule
metadata:
  name: alb-demo-${String(port).padStart(5, '0')}-test
  namespace: kube-system
  labels: { alb2.cpaas.io/frontend: alb-demo-${String(port).padStart(5, '0')}, alb2.cpaas.io/name: alb-demo }
spec:
  dslx:
    - { type: METHOD, values: [[EQ, POST]] }
    - { type: URL, values: [[STARTS_WITH, /app-a], [STARTS_WITH, /app-b]] }
    - { type: PARAM, key: group, values: [[EQ, vip]] }
    - { type: HOST, values: [[ENDS_WITH, .app.com]] }
    - { type: HEADER, key: LOCATION, values: [[IN, east-1, east-2]] }
    - { type: COOKIE, key: uid, values: [[EXIST]] }
    - { type: SRC_IP, values: [[RANGE, "1.1.1.1", "1.1.1.100"]] }
  priority: 4
  serviceGroup: { services: [{ name: hello-world, namespace: default, port: 80, weight: 100 }] }`) as [
    Manifest,
    Manifest,
    Manifest,
  ];
  await apply(env, alb, frontend, rule);

  const instance = await startInstance(
    [
      '--source',
      'kube',
      '--kubeconfig',
      env.kubeconfigPath,
      '--alb',
      'alb-demo',
      '--namespace',
      'kube-system',
      '--bind',
      '127.0.0.1',
      '--trusted-proxies',
      '127.0.0.1/32',
    ],
    (fn) => t.teardown(fn),
  );
  t.equal(
    (await httpGet(port, '/app-a/x?group=vip', sevenTermRequest)).body,
    'hello-world: POST /app-a/x?group=vip',
    'the seven-term rule routes',
  );
  t.equal(
    (await httpGet(port, '/app-a/x?group=std', sevenTermRequest)).body,
    'web: POST /app-a/x?group=std',
    'a miss goes to the default backend',
  );
  const accepted = await eventually(
    () => read(env, rule),
    (r) => (r.status as { conditions?: unknown[] } | undefined)?.conditions !== undefined,
  );
  t.match(
    (accepted.status as { conditions: unknown[] }).conditions,
    [{ type: 'Accepted', status: 'True', reason: 'Valid' }],
    'the Rule is Accepted',
  );

  // An update propagates.
  const updated = structuredClone(rule) as Manifest & { spec: { dslx: Array<{ type: string; values: string[][] }> } };
  updated.spec.dslx[1]!.values = [['STARTS_WITH', '/app-c']];
  await apply(env, updated);
  t.equal(
    (
      await eventually(
        () => httpGet(port, '/app-c/y?group=vip', sevenTermRequest),
        (r) => r.body.startsWith('hello'),
      )
    ).body,
    'hello-world: POST /app-c/y?group=vip',
    'an edit propagates',
  );

  // An invalid Rule: refused with its condition and an Event; the rest keeps serving.
  const [bad] = yaml(`apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: bad-rule, namespace: kube-system, labels: { alb2.cpaas.io/frontend: alb-demo-${String(port).padStart(5, '0')}, alb2.cpaas.io/name: alb-demo } }
spec: { dslx: [{ type: HEADER, values: [[EQ, x]] }], serviceGroup: { services: [{ name: web, namespace: default, port: 80 }] } }`) as [
    Manifest,
  ];
  await apply(env, bad);
  const refused = await eventually(
    () => read(env, bad),
    (r) => (r.status as { conditions?: unknown[] } | undefined)?.conditions !== undefined,
  );
  t.match((refused.status as { conditions: unknown[] }).conditions, [
    {
      type: 'Accepted',
      status: 'False',
      reason: 'InvalidSpec',
      message: /spec\.dslx\[0\]\.key: HEADER terms need a key/,
    },
  ]);
  const events = await eventually(
    () =>
      kubeRequest(env, { path: '/api/v1/namespaces/kube-system/events?fieldSelector=involvedObject.name=bad-rule' }),
    (r) => ((r.json as { items?: unknown[] }).items ?? []).length > 0,
  );
  t.match(
    (events.json as { items: unknown[] }).items[0],
    { type: 'Warning', reason: 'InvalidSpec', involvedObject: { kind: 'Rule', name: 'bad-rule' } },
    'a Warning Event',
  );
  t.equal(
    (await httpGet(port, '/app-c/y?group=vip', sevenTermRequest)).body,
    'hello-world: POST /app-c/y?group=vip',
    'the valid rule keeps serving',
  );

  // A deletion propagates.
  await remove(env, updated);
  t.equal(
    (
      await eventually(
        () => httpGet(port, '/app-c/y?group=vip', sevenTermRequest),
        (r) => r.body.startsWith('web'),
      )
    ).body,
    'web: POST /app-c/y?group=vip',
    'a deletion propagates',
  );

  // The API server goes away: traffic goes on; when it is back, the instance catches up.
  await env.stopApiserver!();
  let served = 0;
  for (let i = 0; i < 20; i++) {
    if ((await httpGet(port, '/any')).status === 200) served++;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(served, 20, 'still serving while the API server is down');
  t.equal((await httpGet(instance.opsPort, '/readyz')).status, 200, 'and still ready');
  await env.startApiserver!();
  await apply(env, rule);
  t.equal(
    (
      await eventually(
        () => httpGet(port, '/app-b/z?group=vip', sevenTermRequest),
        (r) => r.body.startsWith('hello'),
        60_000,
      )
    ).body,
    'hello-world: POST /app-b/z?group=vip',
    'a change made after the API server returned propagates',
  );

  t.equal(await instance.stop(), 0, 'SIGTERM exits 0');
});
