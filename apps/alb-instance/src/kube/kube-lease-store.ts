import { LeaseConflictError, type LeaseRecord, type LeaseStore, type StoredLease } from '@alb/leader';
import { KubeApiError, type KubeClient } from './kube-client.ts';

type LeaseObject = {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
};

/** coordination.k8s.io/v1 Lease as the elector's store: optimistic concurrency by resourceVersion, 409 = lost race. */
export class KubeLeaseStore implements LeaseStore {
  private readonly client: KubeClient;
  private readonly path: string;
  private readonly namespace: string;
  private readonly name: string;

  constructor(client: KubeClient, namespace: string, name: string) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  }

  async get(signal?: AbortSignal): Promise<StoredLease | null> {
    const response = await this.client.request('GET', `${this.path}/${this.name}`, undefined, undefined, signal);
    if (response.status === 404) return null;
    if (response.status !== 200) throw new KubeApiError(response.status, this.path, response.text);
    const lease = response.json as LeaseObject;
    return { record: fromSpec(lease.spec ?? {}), version: lease.metadata.resourceVersion ?? '' };
  }

  async create(record: LeaseRecord, signal?: AbortSignal): Promise<{ version: string }> {
    const body = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
      spec: toSpec(record),
    };
    const response = await this.client.request('POST', this.path, body, undefined, signal);
    if (response.status === 409)
      throw new LeaseConflictError(`Lease ${this.namespace}/${this.name} was created by someone else`);
    if (response.status !== 201) throw new KubeApiError(response.status, this.path, response.text);
    return { version: (response.json as LeaseObject).metadata.resourceVersion ?? '' };
  }

  async update(record: LeaseRecord, version: string, signal?: AbortSignal): Promise<{ version: string }> {
    const body = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace, resourceVersion: version },
      spec: toSpec(record),
    };
    const response = await this.client.request('PUT', `${this.path}/${this.name}`, body, undefined, signal);
    if (response.status === 409)
      throw new LeaseConflictError(`Lease ${this.namespace}/${this.name} changed since version ${version}`);
    if (response.status !== 200) throw new KubeApiError(response.status, this.path, response.text);
    return { version: (response.json as LeaseObject).metadata.resourceVersion ?? '' };
  }
}

function fromSpec(spec: NonNullable<LeaseObject['spec']>): LeaseRecord {
  return {
    holderIdentity: spec.holderIdentity ? spec.holderIdentity : null,
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: spec.acquireTime ?? null,
    renewTime: spec.renewTime ?? null,
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

function toSpec(record: LeaseRecord): NonNullable<LeaseObject['spec']> {
  const spec: NonNullable<LeaseObject['spec']> = {
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.holderIdentity !== null) spec.holderIdentity = record.holderIdentity;
  if (record.acquireTime !== null) spec.acquireTime = record.acquireTime;
  if (record.renewTime !== null) spec.renewTime = record.renewTime;
  return spec;
}
