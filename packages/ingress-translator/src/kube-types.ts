// The parts of core Kubernetes objects the translator reads, as the API server serves them (JSON field names).
// Deliberately small and independent of @kubernetes/client-node: packages never import it.

export type KubeObjectMeta = {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

/** networking.k8s.io/v1 `ServiceBackendPort`: exactly one of `name` and `number`. */
export type ServiceBackendPort = { name?: string; number?: number };

/** networking.k8s.io/v1 `IngressBackend`. `resource` backends are not supported (a diagnostic says so). */
export type IngressBackend = {
  service?: { name: string; port?: ServiceBackendPort };
  resource?: { apiGroup?: string; kind: string; name: string };
};

export type HttpIngressPath = {
  path?: string;
  /** `Exact`, `Prefix` or `ImplementationSpecific` (the default when absent). */
  pathType?: string;
  backend: IngressBackend;
};

export type IngressRule = {
  host?: string;
  http?: { paths: HttpIngressPath[] };
};

export type IngressTls = { hosts?: string[]; secretName?: string };

export type Ingress = {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: IngressTls[];
    rules?: IngressRule[];
  };
};

export type IngressClass = {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    controller?: string;
    /** Our extension point: `{ apiGroup: crd.alauda.io, kind: ALB2, name }` binds a class of any name to an ALB. */
    parameters?: { apiGroup?: string; kind?: string; name?: string; namespace?: string; scope?: string };
  };
};

export type Namespace = {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
};

export type ServicePort = {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
};

export type Service = {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: { type?: string; ports?: ServicePort[] };
};
