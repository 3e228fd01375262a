// alb-admin-api in kube mode on a real kube-apiserver: its own ServiceAccount with exactly the rights of
// deploy/admin-api/rbac.yaml, TokenReview and SubjectAccessReview for static-token users in groups bound by real
// RBAC, server-side apply of ALB2 fields, Frontends and Rules in the API server, the admission policies refusing
// what a tenant's own kubectl tries, and 200 concurrent creates racing for 50 ports.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeRequest, renderKubeconfig, setupTestEnv, type TestEnv } from '@alb/kube-testenv';
import t from 'tap';
import { startAdminApi } from '../src/admin-api-process.ts';
import { installCrds, yaml, type Manifest } from '../src/cluster.ts';

const deploy = new URL('../../../deploy/admin-api/', import.meta.url);
const paths: Record<string, (ns: string) => string> = {
  Namespace: () => '/api/v1/namespaces',
  ServiceAccount: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
  ClusterRole: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  Role: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
  RoleBinding: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
  ValidatingAdmissionPolicy: () => '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies',
  ValidatingAdmissionPolicyBinding: () => '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings',
  ALB2: (ns) => `/apis/crd.alauda.io/v2beta1/namespaces/${ns}/alaudaloadbalancer2`,
  Frontend: (ns) => `/apis/crd.alauda.io/v1/namespaces/${ns}/frontends`,
  Rule: (ns) => `/apis/crd.alauda.io/v1/namespaces/${ns}/rules`,
};

async function create(env: TestEnv, object: Manifest, token?: string) {
  const path = paths[object.kind]!(object.metadata.namespace ?? 'default');
  return kubeRequest(env, { method: 'POST', path, body: object, ...(token !== undefined && { token }) });
}

async function createAll(env: TestEnv, ...objects: Manifest[]): Promise<void> {
  for (const object of objects) {
    const answer = await create(env, object);
    if (answer.status !== 201)
      throw new Error(`create ${object.kind} ${object.metadata.name}: ${answer.status} ${answer.text}`);
  }
}

const message = (answer: { json: unknown }) => (answer.json as { message?: string }).message ?? '';
const manifests = (file: string) => yaml(readFileSync(new URL(file, deploy), 'utf8'));

const frontend = (name: string, port: number, labels: Record<string, string>, alb = 'lb'): Manifest => ({
  apiVersion: 'crd.alauda.io/v1',
  kind: 'Frontend',
  metadata: { name, namespace: 'albs', labels: { 'alb2.cpaas.io/name': alb, ...labels } },
  spec: { port, protocol: 'http' },
});

t.test('kube mode on a real API server', { timeout: 600_000 }, async (t) => {
  const env = await setupTestEnv(t, {
    users: [
      { name: 'root-admin', groups: ['platform-admins'] },
      { name: 'alice', groups: ['team-a'] },
      { name: 'bob', groups: ['team-b'] },
      { name: 'nobody' },
    ],
  });
  const token = (user: string) => env.userTokens[user]!;
  await installCrds(env);
  await createAll(
    env,
    ...yaml(
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: alb-system }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: albs }',
    ),
    ...manifests('rbac.yaml'),
    ...manifests('user-roles.yaml'),
    ...manifests('project-member-example.yaml'),
    ...manifests('admission-policy.yaml'),
  );
  // Project p2 for team-b: the example with another name.
  const [p2Role, p2Binding] = manifests('project-member-example.yaml') as [
    Manifest & { rules: Array<{ resourceNames: string[] }> },
    Manifest & { roleRef: { name: string }; subjects: Array<{ name: string }> },
  ];
  p2Role.metadata.name = 'alb-project-p2';
  p2Role.rules[0]!.resourceNames = ['p2'];
  p2Binding.metadata.name = 'alb-project-p2-team-b';
  p2Binding.roleRef.name = 'alb-project-p2';
  p2Binding.subjects[0]!.name = 'team-b';
  await createAll(
    env,
    p2Role,
    p2Binding,
    ...yaml(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: alb-admin-platform }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: alb-admin }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: platform-admins }]
---
apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: lb, namespace: albs }
spec: { address: 192.0.2.1, type: nginx, config: { projects: [ALL_ALL] } }
---
apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: race, namespace: albs }
spec: { type: nginx }`),
  );

  // The admin API runs as its ServiceAccount (a real token from the TokenRequest API).
  const tokenRequest = await kubeRequest(env, {
    method: 'POST',
    path: '/api/v1/namespaces/alb-system/serviceaccounts/alb-admin-api/token',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  t.equal(tokenRequest.status, 201, 'a ServiceAccount token');
  const saToken = (tokenRequest.json as { status: { token: string } }).status.token;
  const kubeconfig = join(env.dir!, 'admin-api.kubeconfig');
  writeFileSync(
    kubeconfig,
    renderKubeconfig({ server: env.server, token: saToken, ...(env.caData !== undefined && { caData: env.caData }) }),
  );
  const api = await startAdminApi(
    ['--source', 'kube', '--kubeconfig', kubeconfig, '--rate-limit', '1000', '--rate-burst', '1000'],
    (fn) => t.teardown(fn),
  );
  const call = async (method: string, path: string, user: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (user !== null) headers.authorization = `Bearer ${user === 'bogus' ? 'bogus' : token(user)}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${api.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text === '' ? null : JSON.parse(text) };
  };

  await t.test('authentication (TokenReview) and authorization (SubjectAccessReview, real RBAC)', async (t) => {
    t.equal((await call('GET', '/v1/albs', null)).status, 401);
    t.equal((await call('GET', '/v1/albs', 'bogus')).status, 401, 'a token the API server does not know');
    const nobody = await call('GET', '/v1/albs', 'nobody');
    t.equal(nobody.status, 403);
    t.equal(nobody.body.message, 'user "nobody" may not list albs (API group admin.alb.cpaas.io)');
    t.equal((await call('GET', '/v1/albs', 'alice')).status, 403, 'a project member is no ALB admin');
    const albs = await call('GET', '/v1/albs', 'root-admin');
    t.equal(albs.status, 200);
    t.same(
      albs.body.items.map((a: { name: string }) => a.name),
      ['lb', 'race'],
    );
    const me = await call('GET', '/v1/whoami', 'alice');
    t.match(me.body, { user: 'alice', groups: ['team-a', 'system:authenticated'], admin: false, source: 'kube' });
  });

  await t.test('port segments: server-side apply of the ALB2 fields the admin API owns', async (t) => {
    for (const [ports, project] of [
      ['30000-30009', 'p1'],
      ['31000-31009', 'p2'],
    ] as const) {
      const added = await call('POST', '/v1/albs/albs/lb/port-segments', 'root-admin', { ports, projects: [project] });
      t.equal(added.status, 201, `segment ${ports}`);
    }
    const overlap = await call('POST', '/v1/albs/albs/lb/port-segments', 'root-admin', {
      ports: '30009-30010',
      projects: ['p2'],
    });
    t.equal(overlap.status, 409);
    const alb = (await kubeRequest(env, { path: '/apis/crd.alauda.io/v2beta1/namespaces/albs/alaudaloadbalancer2/lb' }))
      .json as {
      spec: { config: Record<string, unknown> };
      metadata: { managedFields: Array<{ manager: string; operation: string; fieldsV1: object }> };
    };
    t.equal(alb.spec.config.enablePortProject, true);
    t.equal(
      alb.spec.config.portProjects,
      '[{"port":"30000-30009","projects":["p1"]},{"port":"31000-31009","projects":["p2"]}]',
    );
    const owned = alb.metadata.managedFields.find((m) => m.manager === 'alb-admin-api');
    t.equal(owned?.operation, 'Apply', 'written by server-side apply');
    t.same(Object.keys((owned!.fieldsV1 as { 'f:spec': { 'f:config': object } })['f:spec']['f:config']).sort(), [
      'f:enablePortProject',
      'f:portProjects',
      'f:projects',
    ]);
  });

  await t.test("a tenant's Frontends and Rules through the API", async (t) => {
    const created = await call('POST', '/v1/projects/p1/frontends', 'alice', {
      alb: { namespace: 'albs', name: 'lb' },
      spec: {
        protocol: 'http',
        serviceGroup: { services: [{ name: 'web', namespace: 'demo', port: 80, weight: 100 }] },
      },
    });
    t.equal(created.status, 201);
    t.equal(created.body.metadata.name, 'lb-30000');
    const stored = (await kubeRequest(env, { path: '/apis/crd.alauda.io/v1/namespaces/albs/frontends/lb-30000' }))
      .json as Manifest & {
      metadata: { labels: Record<string, string>; ownerReferences: Array<{ kind: string; name: string }> };
    };
    t.same(stored.metadata.labels, { 'alb2.cpaas.io/name': 'lb', 'project.cpaas.io/p1': 'true' });
    t.match(stored.metadata.ownerReferences, [{ kind: 'ALB2', name: 'lb' }]);
    t.equal(
      (
        await call('POST', '/v1/projects/p2/frontends', 'alice', {
          alb: { namespace: 'albs', name: 'lb' },
          spec: { protocol: 'http' },
        })
      ).status,
      403,
    );
    const outside = await call('POST', '/v1/projects/p1/frontends', 'alice', {
      alb: { namespace: 'albs', name: 'lb' },
      spec: { port: 31000, protocol: 'http' },
    });
    t.equal(outside.status, 409);
    t.equal(outside.body.code, 'ALB_ADMIN_PORT_NOT_ALLOWED');
    const rule = await call('POST', '/v1/projects/p1/frontends/albs/lb-30000/rules', 'alice', {
      name: 'api',
      spec: { dslx: [{ type: 'URL', values: [['PATH_PREFIX', '/api']] }] },
    });
    t.equal(rule.status, 201);
    const stale = await call('PUT', '/v1/projects/p1/frontends/albs/lb-30000', 'alice', {
      spec: { port: 30000, protocol: 'http' },
      resourceVersion: '1',
    });
    t.equal(stale.status, 409, 'a stale resourceVersion');
    t.equal(stale.body.current.metadata.name, 'lb-30000');
    const shrink = await call('PUT', '/v1/albs/albs/lb/port-segments/30000-30009', 'root-admin', {
      ports: '30001-30009',
      projects: ['p1'],
    });
    t.equal(shrink.status, 409);
    t.equal(shrink.body.code, 'ALB_ADMIN_SEGMENT_IN_USE');
    const usage = await call('GET', '/v1/projects/p1/usage', 'alice');
    t.match(usage.body.albs, [{ name: 'lb', segments: [{ id: '30000-30009', free: 9 }], free: 9 }]);
    const second = await call('POST', '/v1/projects/p1/frontends', 'alice', {
      alb: { namespace: 'albs', name: 'lb' },
      spec: { protocol: 'http' },
    });
    t.equal(second.body.metadata.name, 'lb-30001');
    t.equal((await call('DELETE', '/v1/projects/p1/frontends/albs/lb-30001', 'alice')).status, 204);
    t.match(
      api.output(),
      /"audit":\{"user":"alice".*"action":"create","target":"Frontend albs\/lb-30000"/,
      'audit lines name the caller',
    );
  });

  await t.test("the admission policies refuse what a tenant's own kubectl tries", async (t) => {
    // alice gets raw rights on Frontends in the ALB namespace, as some clusters give tenants.
    await createAll(
      env,
      ...yaml(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: frontend-editor, namespace: albs }
rules: [{ apiGroups: [crd.alauda.io], resources: [frontends], verbs: [get, create, update, delete] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: alice-frontends, namespace: albs }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: frontend-editor }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: team-a }]`),
    );
    // The policy takes effect once the API server has loaded it: poll with a Frontend it must refuse.
    let refused = await create(env, frontend('lb-31005', 31005, { 'project.cpaas.io/p1': 'true' }), token('alice'));
    for (let i = 0; i < 100 && refused.status === 201; i++) {
      await kubeRequest(env, { method: 'DELETE', path: '/apis/crd.alauda.io/v1/namespaces/albs/frontends/lb-31005' });
      await new Promise((r) => setTimeout(r, 200));
      refused = await create(env, frontend('lb-31005', 31005, { 'project.cpaas.io/p1': 'true' }), token('alice'));
    }
    t.equal(refused.status, 403, "a port of p2's segment, labelled p1");
    t.match(
      message(refused),
      /ValidatingAdmissionPolicy 'alb-frontend-port-segments'.*port 31005 of Frontend lb-31005 is not in a port segment of project p1 on ALB2 lb/,
    );
    const unlabelled = await create(env, frontend('lb-30006', 30006, {}), token('alice'));
    t.equal(unlabelled.status, 403, 'no project label');
    t.match(message(unlabelled), /it has no project label project.cpaas.io\/NAME/);
    const allowed = await create(env, frontend('lb-30005', 30005, { 'project.cpaas.io/p1': 'true' }), token('alice'));
    t.equal(allowed.status, 201, "a port of the project's own segment");
    const current = allowed.json as Manifest & {
      metadata: { labels: Record<string, string>; resourceVersion: string };
    };
    const moved = await kubeRequest(env, {
      method: 'PUT',
      path: '/apis/crd.alauda.io/v1/namespaces/albs/frontends/lb-30005',
      token: token('alice'),
      body: { ...current, spec: { port: 31001, protocol: 'http' } },
    });
    t.equal(moved.status, 403, 'nor may the port move out of the segment');
    const elsewhere = await create(
      env,
      frontend('other-00080', 80, { 'project.cpaas.io/p1': 'true' }, 'other'),
      token('alice'),
    );
    t.equal(elsewhere.status, 201, "Frontends of ALBs not in port-project mode are not the first policy's business");
    const other = elsewhere.json as Manifest & { metadata: { labels: Record<string, string> } };
    const relabelled = await kubeRequest(env, {
      method: 'PUT',
      path: '/apis/crd.alauda.io/v1/namespaces/albs/frontends/other-00080',
      token: token('alice'),
      body: {
        ...other,
        metadata: { ...other.metadata, labels: { 'alb2.cpaas.io/name': 'other', 'project.cpaas.io/p2': 'true' } },
      },
    });
    t.equal(relabelled.status, 403, 'the project label cannot change');
    t.match(
      message(relabelled),
      /alb-frontend-project-label.*project labels of Frontend other-00080 cannot change \(project.cpaas.io\/p1=true -> project.cpaas.io\/p2=true\)/,
    );
    const unchanged = await kubeRequest(env, {
      method: 'PUT',
      path: '/apis/crd.alauda.io/v1/namespaces/albs/frontends/other-00080',
      token: token('alice'),
      body: { ...other, spec: { port: 81, protocol: 'http' } },
    });
    t.equal(unchanged.status, 200, 'other changes pass');
  });

  await t.test('the policy reads portProjects as ALB writes it and as people write it (dry runs)', async (t) => {
    const text =
      '[ { "projects" : [ "p1", "p3" ], "port" : "40000-40009" }, {"port":"40100","projects":["ALL_ALL"]},' +
      '{"port":"40200-40201","projects":[]}]';
    await createAll(env, {
      apiVersion: 'crd.alauda.io/v2beta1',
      kind: 'ALB2',
      metadata: { name: 'cel', namespace: 'albs', labels: { 'cpaas.io/role': 'port' } },
      spec: { type: 'nginx', config: { portProjects: text } },
    } as Manifest);
    const cases: Array<{ port: number; projects: string[]; allowed: boolean }> = [
      { port: 40000, projects: ['p1'], allowed: true },
      { port: 40009, projects: ['p3'], allowed: true },
      { port: 40009, projects: ['p1', 'p3'], allowed: true },
      { port: 40010, projects: ['p1'], allowed: false },
      { port: 40005, projects: ['p2'], allowed: false },
      { port: 40005, projects: ['p1', 'p2'], allowed: false },
      { port: 40100, projects: ['anyone'], allowed: true },
      { port: 40101, projects: ['anyone'], allowed: false },
      { port: 40200, projects: ['p1'], allowed: false },
      { port: 40000, projects: [], allowed: false },
    ];
    for (const { port, projects, allowed } of cases) {
      const labels = Object.fromEntries(projects.map((p) => [`project.cpaas.io/${p}`, 'true']));
      const answer = await kubeRequest(env, {
        method: 'POST',
        path: '/apis/crd.alauda.io/v1/namespaces/albs/frontends?dryRun=All',
        body: frontend(`cel-${port}`, port, labels, 'cel'),
      });
      t.equal(
        answer.status,
        allowed ? 201 : 403,
        `${port} ${projects.join(',') || '(no project)'}: ${message(answer)}`,
      );
    }
  });

  await t.test(
    '200 concurrent creates racing for 50 ports: each port once (the API server decides by name)',
    async (t) => {
      t.equal(
        (
          await call('POST', '/v1/albs/albs/race/port-segments', 'root-admin', {
            ports: '32000-32049',
            projects: ['p1', 'p2'],
          })
        ).status,
        201,
      );
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const [project, user] = i % 2 === 0 ? ['p1', 'alice'] : ['p2', 'bob'];
          const spec = i % 4 === 3 ? { protocol: 'http' } : { port: 32000 + (i % 50), protocol: 'http' };
          return call('POST', `/v1/projects/${project}/frontends`, user, {
            alb: { namespace: 'albs', name: 'race' },
            spec,
          });
        }),
      );
      const won = answers.filter((a) => a.status === 201).map((a) => a.body.spec.port as number);
      t.equal(new Set(won).size, won.length, 'no port handed out twice');
      const codes = new Set(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.body.code}`));
      for (const code of codes) t.match(code, /^409 ALB_ADMIN_(PORT_TAKEN|NO_FREE_PORT|CONFLICT)$/, code);
      const listed = (
        await kubeRequest(env, {
          path: '/apis/crd.alauda.io/v1/namespaces/albs/frontends?labelSelector=alb2.cpaas.io/name%3Drace',
        })
      ).json as { items: Array<{ spec: { port: number } }> };
      const ports = listed.items.map((f) => f.spec.port);
      t.equal(new Set(ports).size, ports.length, 'the API server holds no two Frontends on one port');
      t.same([...ports].sort(), [...won].sort(), 'exactly the winners');
      t.equal(won.length, 50, 'and every port was handed out');
    },
  );

  await t.test('reviews are cached; the ServiceAccount has no other rights', async (t) => {
    const count = async (name: string) => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      return Number(new RegExp(`${name} (\\d+)`).exec(text)![1]);
    };
    await call('GET', '/v1/projects/p2/usage', 'bob');
    const reviews = await count('alb_admin_token_reviews_total');
    const accessReviews = await count('alb_admin_access_reviews_total');
    for (let i = 0; i < 5; i++) t.equal((await call('GET', '/v1/projects/p2/usage', 'bob')).status, 200);
    t.equal(await count('alb_admin_token_reviews_total'), reviews, 'no TokenReview for a token seen a moment ago');
    t.equal(
      await count('alb_admin_access_reviews_total'),
      accessReviews,
      'nor a SubjectAccessReview for the same question',
    );
    for (const path of ['/api/v1/secrets', '/api/v1/namespaces/albs/configmaps', '/apis/apps/v1/deployments']) {
      const answer = await kubeRequest(env, { path, token: saToken });
      t.equal(answer.status, 403, `the admin API cannot read ${path}`);
    }
    const ns = await kubeRequest(env, {
      method: 'POST',
      path: '/api/v1/namespaces',
      token: saToken,
      body: { metadata: { name: 'x' } },
    });
    t.equal(ns.status, 403);
  });
});
