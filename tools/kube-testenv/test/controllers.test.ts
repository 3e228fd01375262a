// The opt-in controllers: Deployments get Pods that KWOK makes Running/Ready with IPs on fake Nodes, garbage
// collection and EndpointSlices work, namespaces are finalized, kubectl is the cluster's version; and the errors
// and command-line flags around them.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../src/cli.ts';
import { processAlive as alive } from '../src/process-alive.ts';
import {
  ensureControllerBinaries,
  errorCodes,
  kubeRequest,
  kubernetesVersion,
  kwokVersion,
  setupTestEnv,
  type TestEnv,
} from '../src/index.ts';

type Item = { metadata: { name: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const list = async (env: TestEnv, path: string): Promise<Item[]> => {
  const res = await kubeRequest(env, { path });
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return (res.json as { items: Item[] }).items;
};

t.test('a control plane that runs Deployments', { timeout: 900_000 }, async (t) => {
  const env = await setupTestEnv(t, { controllers: { nodes: 2 } });
  t.ok(env.controllers, 'controllers started');
  const { kubectl, nodes } = env.controllers!;
  t.same(nodes, ['kwok-node-0', 'kwok-node-1']);
  t.equal(env.controllers!.kwokVersion, kwokVersion);
  const client = execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  t.equal(
    (JSON.parse(client) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion,
    kubernetesVersion,
  );
  const nodeList = await list(env, '/api/v1/nodes');
  for (const node of nodeList)
    t.match(node.status, {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: /^192\.0\.2\./ }],
    });

  const ns = 'controllers-test';
  const post = async (path: string, body: object) => {
    const res = await kubeRequest(env, { method: 'POST', path, body });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
  };
  await post('/api/v1/namespaces', { metadata: { name: ns } });
  await until('the default ServiceAccount of a new namespace', async () =>
    (await kubeRequest(env, { path: `/api/v1/namespaces/${ns}/serviceaccounts/default` })).status === 200
      ? true
      : undefined,
  );
  const labels = { app: 'web' };
  await post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }] },
      },
    },
  });
  await post(`/api/v1/namespaces/${ns}/services`, {
    metadata: { name: 'web' },
    spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
  });
  const pods = await until('two Ready Pods', async () => {
    const items = await list(env, `/api/v1/namespaces/${ns}/pods`);
    const ready = items.filter((p) =>
      ((p.status?.conditions ?? []) as Array<{ type: string; status: string }>).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    );
    return ready.length === 2 ? ready : undefined;
  });
  for (const pod of pods) {
    t.match(pod.status, { phase: 'Running', podIP: /^10\.244\./, hostIP: /^192\.0\.2\./ });
    t.ok(nodes.includes(pod.spec!.nodeName as string), 'scheduled onto a fake node');
    t.equal(pod.spec!.serviceAccountName, 'default', 'the ServiceAccount admission plugin is on');
  }
  const slice = await until('an EndpointSlice with both Pods', async () => {
    const slices = await list(
      env,
      `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=kubernetes.io/service-name=web`,
    );
    const addresses = slices.flatMap((s) =>
      ((s as unknown as { endpoints?: Array<{ addresses: string[] }> }).endpoints ?? []).flatMap((e) => e.addresses),
    );
    return addresses.length === 2 ? addresses : undefined;
  });
  t.same([...slice].sort(), pods.map((p) => p.status!.podIP as string).sort(), 'the EndpointSlice controller ran');

  const del = await kubeRequest(env, { method: 'DELETE', path: `/apis/apps/v1/namespaces/${ns}/deployments/web` });
  t.equal(del.status, 200);
  await until('ReplicaSets and Pods garbage-collected', async () => {
    const left = [
      ...(await list(env, `/apis/apps/v1/namespaces/${ns}/replicasets`)),
      ...(await list(env, `/api/v1/namespaces/${ns}/pods`)),
    ];
    return left.length === 0 ? true : undefined;
  });
  await kubeRequest(env, { method: 'DELETE', path: `/api/v1/namespaces/${ns}` });
  await until('the namespace finalized and gone', async () =>
    (await kubeRequest(env, { path: `/api/v1/namespaces/${ns}` })).status === 404 ? true : undefined,
  );
  t.pass('Deployment -> ReplicaSet -> Pods, EndpointSlices, garbage collection, namespace deletion');

  const pids = [env.pids!.controllerManager!, env.pids!.scheduler!, env.pids!.kwok!];
  t.ok(pids.every(alive));
  await env.stop();
  t.notOk(pids.some(alive), 'stop() ends the controllers too');
});

t.test('ALB_TESTENV_BIN_DIR without the controllers says which are missing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alb-kube-testenv-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(dir, { recursive: true });
  const kubectl = join(dir, 'kubectl');
  writeFileSync(kubectl, '#!/bin/sh\necho "Client Version: v1.36.4"\n');
  chmodSync(kubectl, 0o755);
  await t.rejects(ensureControllerBinaries({ env: { PATH: '', ALB_TESTENV_BIN_DIR: dir } }), {
    code: errorCodes.binDirInvalid,
    message: new RegExp(
      `${join(dir, 'kube-controller-manager')} and ${join(dir, 'kube-scheduler')} and ${join(dir, 'kwok')} missing`,
    ),
  });
});

t.test('testenv up: --with and --nodes are checked before anything starts', async (t) => {
  const err: string[] = [];
  const io = { out: () => {}, err: (text: string) => err.push(text) };
  t.equal(await runCli(['up', '--with', 'kubelets'], io), 2);
  t.match(err.join(''), /ALB_TESTENV_CLI_USAGE: --with takes "controllers", got "kubelets"/);
  t.equal(await runCli(['up', '--nodes', '3'], io), 2);
  t.match(err.join(''), /--nodes needs --with controllers/);
  t.equal(await runCli(['up', '--with', 'controllers', '--nodes', '0'], io), 2);
  t.match(err.join(''), /--nodes must be between 1 and 100/);
});

t.test('the wrapper modules pin the controllers: same Kubernetes as the API server, KWOK at kwokVersion', async (t) => {
  const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
  const kubeMod = read('../go/kubernetes/go.mod');
  for (const cmd of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'])
    t.match(kubeMod, new RegExp(`\\n\\tk8s\\.io/kubernetes/cmd/${cmd}\\n`), `tool ${cmd}`);
  const kwokMod = read('../go/kwok/go.mod');
  t.match(kwokMod, /\ntool sigs\.k8s\.io\/kwok\/cmd\/kwok\n/);
  t.match(kwokMod, new RegExp(`\\n\\tsigs\\.k8s\\.io/kwok ${kwokVersion.replaceAll('.', '\\.')}[ \\n]`));
  const readme = read('../README.md');
  t.match(readme, `\`${kwokVersion}\``, 'the README names the KWOK version');
});
