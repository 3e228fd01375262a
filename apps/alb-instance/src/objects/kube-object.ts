/** The parts of any Kubernetes object the instance relies on; kinds it understands refine `spec`. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  };
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
};

/** The kinds an instance reads, by `apiVersion` group and kind (cluster-scoped ones have no namespace). */
export const supportedKinds: Record<string, { groups: readonly string[]; namespaced: boolean }> = {
  ALB2: { groups: ['crd.alauda.io'], namespaced: true },
  Frontend: { groups: ['crd.alauda.io'], namespaced: true },
  Rule: { groups: ['crd.alauda.io'], namespaced: true },
  Ingress: { groups: ['networking.k8s.io'], namespaced: true },
  IngressClass: { groups: ['networking.k8s.io'], namespaced: false },
  Service: { groups: [''], namespaced: true },
  EndpointSlice: { groups: ['discovery.k8s.io'], namespaced: true },
  Secret: { groups: [''], namespaced: true },
  Namespace: { groups: [''], namespaced: false },
  ConfigMap: { groups: [''], namespaced: true },
};

export type SupportedKind = keyof typeof supportedKinds;

/** `Kind/namespace/name` (cluster-scoped: `Kind//name`): unique per object. */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export function keyOf(object: KubeObject): string {
  return objectKey(object.kind, object.metadata.namespace, object.metadata.name);
}

/** The group of an apiVersion (`crd.alauda.io/v1` -> `crd.alauda.io`, `v1` -> ''). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** Why an object is not one the instance reads, or null when it is. */
export function unsupportedReason(object: KubeObject): string | null {
  const known = supportedKinds[object.kind];
  if (known === undefined)
    return `kind ${object.kind} is not read by ALB (it reads ${Object.keys(supportedKinds).join(', ')})`;
  if (!known.groups.includes(apiGroup(object.apiVersion)))
    return `apiVersion ${object.apiVersion} is not one ALB reads for ${object.kind}`;
  return null;
}
