// Where each kind the operator touches lives in the API.
export type ResourceKind =
  | 'ALB2'
  | 'Frontend'
  | 'Deployment'
  | 'Service'
  | 'ServiceAccount'
  | 'ConfigMap'
  | 'Pod'
  | 'Node'
  | 'RoleBinding'
  | 'ClusterRoleBinding'
  | 'IngressClass'
  | 'Event';

type Resource = { group: string; version: string; plural: string; namespaced: boolean };

export const resources: Record<ResourceKind, Resource> = {
  ALB2: { group: 'crd.alauda.io', version: 'v2beta1', plural: 'alaudaloadbalancer2', namespaced: true },
  Frontend: { group: 'crd.alauda.io', version: 'v1', plural: 'frontends', namespaced: true },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  Service: { group: '', version: 'v1', plural: 'services', namespaced: true },
  ServiceAccount: { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  Pod: { group: '', version: 'v1', plural: 'pods', namespaced: true },
  Node: { group: '', version: 'v1', plural: 'nodes', namespaced: false },
  RoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', namespaced: true },
  ClusterRoleBinding: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  IngressClass: { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses', namespaced: false },
  Event: { group: '', version: 'v1', plural: 'events', namespaced: true },
};

/** The collection: `/apis/apps/v1/namespaces/ns/deployments`; all namespaces when `namespace` is undefined. */
export function collectionPath(kind: ResourceKind, namespace?: string): string {
  const r = resources[kind];
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const scope = r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${r.plural}`;
}

export function objectPath(kind: ResourceKind, name: string, namespace?: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
}
