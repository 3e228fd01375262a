import type { Logger } from 'pino';
import { labels } from '@alb/crd-types';
import type { ObjectStore } from '../objects/object-store.ts';
import type { KubeClient } from './kube-client.ts';
import { Reflector, type ResourceSpec } from './reflector.ts';

export type KubeSourceOptions = { alb: string; namespace: string; domain: string };

/**
 * The cluster as a source: one reflector per kind the instance reads. Frontends and Rules are selected by the
 * ALB's label (in any namespace, as file mode), the ALB2 by name in its namespace; Services, EndpointSlices,
 * Namespaces, Ingresses and IngressClasses cluster-wide (service groups may name any namespace); Secrets of type
 * `kubernetes.io/tls` only (certificates may live in any namespace); basic auth's Secrets are read by name
 * (`auth-secrets.ts`); never other Secrets.
 */
export function kubeResources(options: KubeSourceOptions): ResourceSpec[] {
  const selector = `${labels(options.domain).name}=${options.alb}`;
  return [
    {
      kind: 'ALB2',
      apiVersion: 'crd.alauda.io/v2beta1',
      path: `/apis/crd.alauda.io/v2beta1/namespaces/${options.namespace}/alaudaloadbalancer2`,
      fieldSelector: `metadata.name=${options.alb}`,
    },
    {
      kind: 'Frontend',
      apiVersion: 'crd.alauda.io/v1',
      path: '/apis/crd.alauda.io/v1/frontends',
      labelSelector: selector,
    },
    { kind: 'Rule', apiVersion: 'crd.alauda.io/v1', path: '/apis/crd.alauda.io/v1/rules', labelSelector: selector },
    { kind: 'Service', apiVersion: 'v1', path: '/api/v1/services' },
    { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', path: '/apis/discovery.k8s.io/v1/endpointslices' },
    { kind: 'Namespace', apiVersion: 'v1', path: '/api/v1/namespaces' },
    {
      kind: 'Secret',
      apiVersion: 'v1',
      path: '/api/v1/secrets',
      fieldSelector: 'type=kubernetes.io/tls',
      // Basic-auth Secrets (read by name elsewhere) share the kind: a relist here must not drop them.
      owns: (o) => o.type === 'kubernetes.io/tls',
    },
    // Read by every instance, translated by the leader only: a new leader starts from a complete view.
    { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', path: '/apis/networking.k8s.io/v1/ingresses' },
    {
      kind: 'IngressClass',
      apiVersion: 'networking.k8s.io/v1',
      path: '/apis/networking.k8s.io/v1/ingressclasses',
    },
  ];
}

export class KubeSource {
  private readonly reflectors: Reflector[];

  constructor(
    client: KubeClient,
    store: ObjectStore,
    onChange: () => void,
    logger: Logger,
    options: KubeSourceOptions,
  ) {
    this.reflectors = kubeResources(options).map((spec) => new Reflector(spec, client, store, onChange, logger));
  }

  /** Resolves once every kind has been listed once: no config is built from a partial view. */
  async start(): Promise<void> {
    await Promise.all(this.reflectors.map((r) => r.start()));
  }

  stop(): void {
    for (const reflector of this.reflectors) reflector.stop();
  }
}
