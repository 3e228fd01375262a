// A real kube-apiserver (tools/kube-testenv) for the instance's Kubernetes parts: a client for it, the ALB CRDs,
// a fresh namespace per test, and etcd compaction (to make old resourceVersions expire: 410 Gone).
import { readdirSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest, setupTestEnv, type TestEnv } from '@alb/kube-testenv';
import { loadAll } from 'js-yaml';
import type { Test } from 'tap';
import { KubeClient } from '../../src/kube/kube-client.ts';

export type KubeEnv = { env: TestEnv; client: KubeClient };

export async function kubeEnv(t: Test, apiserverArgs: string[] = []): Promise<KubeEnv> {
  const env = await setupTestEnv(t, { apiserverArgs });
  const config = new KubeConfig();
  config.loadFromFile(env.kubeconfigPath);
  return { env, client: new KubeClient(config) };
}

/** A request that must succeed (2xx); resolves to the response's JSON. */
export async function must<T = unknown>(env: TestEnv, method: string, path: string, body?: unknown): Promise<T> {
  const response = await kubeRequest(env, { method, path, body });
  if (response.status < 200 || response.status > 299)
    throw new Error(`${method} ${path}: ${response.status} ${response.text.slice(0, 300)}`);
  return response.json as T;
}

let namespaces = 0;

/** A fresh namespace (the API server has no namespace controller: never reuse one). */
export async function freshNamespace(env: TestEnv, prefix = 'test'): Promise<string> {
  const name = `${prefix}-${process.pid}-${++namespaces}`;
  await must(env, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** The generated CRDs of deploy/crds, created and established. */
export async function installCrds(env: TestEnv): Promise<void> {
  const dir = new URL('../../../../deploy/crds/', import.meta.url);
  const crds = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => loadAll(readFileSync(new URL(f, dir), 'utf8')) as Array<{ metadata: { name: string } }>);
  const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const crd of crds) await must(env, 'POST', path, crd);
  for (const crd of crds) {
    for (let i = 0; ; i++) {
      type Crd = { status?: { conditions?: Array<{ type: string; status: string }> } };
      const got = await must<Crd>(env, 'GET', `${path}/${crd.metadata.name}`);
      const conditions = got.status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 100) throw new Error(`CRD ${crd.metadata.name} not established`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Compacts etcd up to its current revision, through etcd's own JSON gateway: every resourceVersion seen before is
 * then expired, and a watch that starts from one gets 410 Gone (with the API server's watch cache off).
 */
export async function compactEtcd(env: TestEnv): Promise<number> {
  const base = `http://127.0.0.1:${env.ports!.etcdClient}`;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(base + path, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`etcd ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { header: { revision: string } };
  };
  const { header } = await post('/v3/kv/range', { key: Buffer.from('/').toString('base64') });
  await post('/v3/kv/compaction', { revision: header.revision, physical: true });
  return Number(header.revision);
}

/** An ALB2 `alb` and its http Frontend on `port` in `ns`; returns the Frontend's name and a Rule's labels. */
export async function createAlbAndFrontend(
  env: TestEnv,
  ns: string,
  port: number,
): Promise<{ frontend: string; ruleLabels: Record<string, string> }> {
  const frontend = `alb-${String(port).padStart(5, '0')}`;
  await must(env, 'POST', `/apis/crd.alauda.io/v2beta1/namespaces/${ns}/alaudaloadbalancer2`, {
    apiVersion: 'crd.alauda.io/v2beta1',
    kind: 'ALB2',
    metadata: { name: 'alb', namespace: ns },
    spec: { type: 'nginx' },
  });
  await must(env, 'POST', `/apis/crd.alauda.io/v1/namespaces/${ns}/frontends`, {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Frontend',
    metadata: { name: frontend, namespace: ns, labels: { 'alb2.cpaas.io/name': 'alb' } },
    spec: { port, protocol: 'http' },
  });
  return { frontend, ruleLabels: { 'alb2.cpaas.io/name': 'alb', 'alb2.cpaas.io/frontend': frontend } };
}
