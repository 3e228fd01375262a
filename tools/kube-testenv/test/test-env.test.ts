// The real thing: etcd + kube-apiserver from the cache (built on first run), reached over HTTPS with tokens.
import { connect } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { kubeRequest, kubernetesVersion, setupTestEnv, startTestEnv, type KubeResponse } from '../src/index.ts';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The status, with the body in the message only when it is not the one wanted (it is long). */
function status(res: KubeResponse, want: number, what: string): [number, number, string] {
  return [res.status, want, res.status === want ? what : `${what}: ${res.text}`];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('a local control plane: version, CRUD, authn, RBAC, clean stop', async (t) => {
  const env = await startTestEnv({
    users: [{ name: 'nobody' }, { name: 'cm-reader', groups: ['alb:cm-readers'] }],
  });
  t.teardown(() => env.stop());
  t.equal(env.kind, 'local');
  t.match(env.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  t.equal(env.insecureSkipTlsVerify, false, 'the self-signed serving cert verifies against the CA in the kubeconfig');
  t.ok(env.caData);

  const version = await kubeRequest(env, { path: '/version' });
  t.equal(version.status, 200);
  t.equal((version.json as { gitVersion: string }).gitVersion, kubernetesVersion, '/version is the pinned release');
  t.same(env.versions, { kubernetes: kubernetesVersion, etcd: env.versions?.etcd });

  const kubeconfig = readFileSync(env.kubeconfigPath, 'utf8');
  t.match(kubeconfig, `server: "${env.server}"`);
  t.match(kubeconfig, `token: "${env.token}"`);
  t.match(kubeconfig, `certificate-authority-data: "${env.caData}"`);

  const ns = 'kube-testenv-crud';
  const created = await kubeRequest(env, {
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
  });
  t.equal(...status(created, 201, 'Namespace created'));
  const cm = await kubeRequest(env, {
    method: 'POST',
    path: `/api/v1/namespaces/${ns}/configmaps`,
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { answer: '42' } },
  });
  t.equal(...status(cm, 201, 'ConfigMap created'));
  const read = await kubeRequest(env, { path: `/api/v1/namespaces/${ns}/configmaps/settings` });
  t.same((read.json as { data: unknown }).data, { answer: '42' });

  const path = `/api/v1/namespaces/${ns}/configmaps`;
  t.equal((await kubeRequest(env, { path, token: 'not-a-known-token' })).status, 401, 'an unknown token is 401');
  t.equal((await kubeRequest(env, { path, token: null })).status, 403, 'anonymous is authenticated, RBAC denies');
  const nobody = await kubeRequest(env, { path, token: env.userTokens.nobody });
  t.equal(nobody.status, 403, 'a user without RBAC rights is 403');
  t.match(nobody.text, /User \\"nobody\\" cannot list resource \\"configmaps\\"/);

  // RBAC works for groups from the token file: grant the group, and its member may read.
  const reader = env.userTokens['cm-reader'];
  t.equal((await kubeRequest(env, { path, token: reader })).status, 403);
  const role = await kubeRequest(env, {
    method: 'POST',
    path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
    body: { metadata: { name: 'cm-read' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] },
  });
  t.equal(...status(role, 201, 'Role created'));
  const binding = await kubeRequest(env, {
    method: 'POST',
    path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
    body: {
      metadata: { name: 'cm-read' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-read' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'alb:cm-readers' }],
    },
  });
  t.equal(...status(binding, 201, 'RoleBinding created'));
  t.equal((await kubeRequest(env, { path, token: reader })).status, 200, 'RBAC grants take effect');

  const ports = env.ports!;
  const pids = env.pids!;
  const dir = env.dir!;
  t.ok(existsSync(dir));
  await env.stop();
  await env.stop(); // idempotent
  for (const [name, port] of Object.entries(ports)) t.notOk(await portOpen(port), `${name} port ${port} is closed`);
  for (const [name, pid] of Object.entries(pids)) t.notOk(alive(pid), `${name} (pid ${pid}) has exited`);
  t.notOk(existsSync(dir), 'the temp dir is removed');
});

t.test('setupTestEnv stops the env when the test ends', async (t) => {
  let apiserverPort = 0;
  let dir = '';
  await t.test('inner', async (t) => {
    const env = await setupTestEnv(t);
    apiserverPort = env.ports!.apiserver;
    dir = env.dir!;
    t.equal((await kubeRequest(env, { path: '/readyz' })).status, 200);
  });
  t.notOk(await portOpen(apiserverPort), 'stopped by teardown');
  t.notOk(existsSync(dir));
});
