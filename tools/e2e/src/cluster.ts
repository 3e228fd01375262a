import { readdirSync, readFileSync } from 'node:fs';
import { kubeRequest, type TestEnv } from '@alb/kube-testenv';
import { loadAll } from 'js-yaml';

const root = new URL('../../../', import.meta.url);

/** Plural resource paths for the kinds the tests create. */
const resources: Record<string, { path: (ns: string) => string; namespaced: boolean }> = {
  ALB2: { path: (ns) => `/apis/crd.alauda.io/v2beta1/namespaces/${ns}/alaudaloadbalancer2`, namespaced: true },
  Frontend: { path: (ns) => `/apis/crd.alauda.io/v1/namespaces/${ns}/frontends`, namespaced: true },
  Rule: { path: (ns) => `/apis/crd.alauda.io/v1/namespaces/${ns}/rules`, namespaced: true },
  Service: { path: (ns) => `/api/v1/namespaces/${ns}/services`, namespaced: true },
  EndpointSlice: { path: (ns) => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, namespaced: true },
  Namespace: { path: () => '/api/v1/namespaces', namespaced: false },
  Ingress: { path: (ns) => `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`, namespaced: true },
  IngressClass: { path: () => '/apis/networking.k8s.io/v1/ingressclasses', namespaced: false },
  ClusterRole: { path: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles', namespaced: false },
  ClusterRoleBinding: { path: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', namespaced: false },
  Role: { path: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, namespaced: true },
  RoleBinding: { path: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, namespaced: true },
  Secret: { path: (ns) => `/api/v1/namespaces/${ns}/secrets`, namespaced: true },
  ServiceAccount: { path: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`, namespaced: true },
  Lease: { path: (ns) => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, namespaced: true },
  CustomResourceDefinition: {
    path: () => '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    namespaced: false,
  },
};

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
};

export function pathOf(object: Manifest): string {
  const resource = resources[object.kind];
  if (resource === undefined) throw new Error(`no path known for kind ${object.kind}`);
  return resource.path(object.metadata.namespace ?? 'default');
}

/** Creates (or replaces) objects, failing the test with the server's message when the API refuses one. */
export async function apply(env: TestEnv, ...objects: Manifest[]): Promise<void> {
  for (const object of objects) {
    const base = pathOf(object);
    const created = await kubeRequest(env, { method: 'POST', path: base, body: object });
    if (created.status === 201) continue;
    if (created.status !== 409)
      throw new Error(`create ${object.kind} ${object.metadata.name}: ${created.status} ${created.text}`);
    const current = await kubeRequest(env, { path: `${base}/${object.metadata.name}` });
    const replaced = await kubeRequest(env, {
      method: 'PUT',
      path: `${base}/${object.metadata.name}`,
      body: {
        ...object,
        metadata: { ...object.metadata, resourceVersion: (current.json as Manifest).metadata.resourceVersion },
      },
    });
    if (replaced.status !== 200)
      throw new Error(`replace ${object.kind} ${object.metadata.name}: ${replaced.status} ${replaced.text}`);
  }
}

export async function remove(env: TestEnv, object: Manifest): Promise<void> {
  const response = await kubeRequest(env, { method: 'DELETE', path: `${pathOf(object)}/${object.metadata.name}` });
  if (response.status !== 200 && response.status !== 404)
    throw new Error(`delete ${object.kind} ${object.metadata.name}: ${response.status}`);
}

export async function read(env: TestEnv, object: Manifest): Promise<Manifest & { status?: Record<string, unknown> }> {
  const response = await kubeRequest(env, { path: `${pathOf(object)}/${object.metadata.name}` });
  if (response.status !== 200) throw new Error(`get ${object.kind} ${object.metadata.name}: ${response.status}`);
  return response.json as Manifest;
}

/** The generated CRDs of deploy/crds, applied and established. */
export async function installCrds(env: TestEnv): Promise<Manifest[]> {
  const dir = new URL('deploy/crds/', root);
  const crds = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => loadAll(readFileSync(new URL(f, dir), 'utf8')) as Manifest[]);
  await apply(env, ...crds);
  for (const crd of crds) {
    for (let i = 0; ; i++) {
      const got = (await read(env, crd)) as Manifest & {
        status?: { conditions?: Array<{ type: string; status: string }> };
      };
      if (got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 100) throw new Error(`CRD ${crd.metadata.name} not established`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return crds;
}

/** Reads YAML documents into manifests. */
export function yaml(text: string): Manifest[] {
  return loadAll(text) as Manifest[];
}
