import { LeaseApiError, LeaseConflictError } from './errors.ts';
import type { LeaseRecord } from './lease-record.ts';
import type { LeaseStore, StoredLease } from './lease-store.ts';

/** The answer of one API request: status code, parsed JSON body (null when not JSON) and the raw text. */
export type LeaseApiResponse = { status: number; json: unknown; text: string };

/**
 * The one call a `KubeLeaseStore` makes: an authenticated request to the Kubernetes API server (the app owns the
 * client, its credentials and TLS; this package stays free of I/O). `body` is sent as JSON.
 */
export interface LeaseApi {
  request(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
    signal?: AbortSignal,
  ): Promise<LeaseApiResponse>;
}

type LeaseSpec = {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
};

type LeaseObject = { metadata: { resourceVersion?: string }; spec?: LeaseSpec };

/**
 * A `coordination.k8s.io/v1` Lease as the elector's store: optimistic concurrency by `resourceVersion`, HTTP 409 =
 * someone else wrote first (`LeaseConflictError`), any other unexpected status = `LeaseApiError`.
 */
export class KubeLeaseStore implements LeaseStore {
  private readonly api: LeaseApi;
  private readonly namespace: string;
  private readonly name: string;
  private readonly collection: string;

  constructor(api: LeaseApi, namespace: string, name: string) {
    this.api = api;
    this.namespace = namespace;
    this.name = name;
    this.collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  }

  async get(signal?: AbortSignal): Promise<StoredLease | null> {
    const path = `${this.collection}/${encodeURIComponent(this.name)}`;
    const response = await this.api.request('GET', path, undefined, undefined, signal);
    if (response.status === 404) return null;
    if (response.status !== 200) throw new LeaseApiError(response.status, 'GET', path, response.text);
    const lease = response.json as LeaseObject;
    return { record: fromSpec(lease.spec ?? {}), version: lease.metadata.resourceVersion ?? '' };
  }

  async create(record: LeaseRecord, signal?: AbortSignal): Promise<{ version: string }> {
    const response = await this.api.request('POST', this.collection, this.lease(record), undefined, signal);
    if (response.status === 409)
      throw new LeaseConflictError(`Lease ${this.namespace}/${this.name} was created by someone else`);
    if (response.status !== 201) throw new LeaseApiError(response.status, 'POST', this.collection, response.text);
    return { version: (response.json as LeaseObject).metadata.resourceVersion ?? '' };
  }

  async update(record: LeaseRecord, version: string, signal?: AbortSignal): Promise<{ version: string }> {
    const path = `${this.collection}/${encodeURIComponent(this.name)}`;
    const response = await this.api.request('PUT', path, this.lease(record, version), undefined, signal);
    if (response.status === 409)
      throw new LeaseConflictError(`Lease ${this.namespace}/${this.name} changed since version ${version}`);
    if (response.status !== 200) throw new LeaseApiError(response.status, 'PUT', path, response.text);
    return { version: (response.json as LeaseObject).metadata.resourceVersion ?? '' };
  }

  private lease(record: LeaseRecord, resourceVersion?: string): object {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        ...(resourceVersion !== undefined && { resourceVersion }),
      },
      spec: toSpec(record),
    };
  }
}

function fromSpec(spec: LeaseSpec): LeaseRecord {
  return {
    holderIdentity: spec.holderIdentity ? spec.holderIdentity : null,
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: spec.acquireTime ?? null,
    renewTime: spec.renewTime ?? null,
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

function toSpec(record: LeaseRecord): LeaseSpec {
  const spec: LeaseSpec = {
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.holderIdentity !== null) spec.holderIdentity = record.holderIdentity;
  if (record.acquireTime !== null) spec.acquireTime = record.acquireTime;
  if (record.renewTime !== null) spec.renewTime = record.renewTime;
  return spec;
}
