// Kube mode's authorizer: a SubjectAccessReview asks the API server's authorizers (RBAC) whether a user holds a
// permission on the admin API's virtual resources. Allowed and denied answers are cached briefly (denials shorter).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { KubeClient } from '../store/kube-client.ts';
import { KubeApiError } from '../store/kube-client.ts';
import type { Authorizer } from './authorizer.ts';
import { permissionGroup, type Permission } from './permission.ts';
import type { User } from './user.ts';

export type AccessReviewOptions = {
  domain: string;
  allowedTtlMs: number;
  deniedTtlMs: number;
  max: number;
  now?: () => number;
};

export class SubjectAccessReviewAuthorizer implements Authorizer {
  private readonly client: KubeClient;
  private readonly options: AccessReviewOptions;
  private readonly cache: LRUCache<string, boolean>;
  /** API server calls made (tests and metrics read it). */
  reviews = 0;

  constructor(client: KubeClient, options: AccessReviewOptions) {
    this.client = client;
    this.options = options;
    this.cache = new LRUCache<string, boolean>({
      max: options.max,
      ttl: Math.max(options.allowedTtlMs, 1),
      ...(options.now !== undefined && { perf: { now: options.now } }),
    });
  }

  async allowed(user: User, permission: Permission): Promise<boolean> {
    const resourceAttributes = {
      group: permissionGroup(this.options.domain),
      resource: permission.resource,
      verb: permission.verb,
      ...(permission.subresource !== undefined && { subresource: permission.subresource }),
      ...(permission.name !== undefined && { name: permission.name }),
      ...(permission.namespace !== undefined && { namespace: permission.namespace }),
    };
    const spec = { user: user.name, uid: user.uid, groups: user.groups, resourceAttributes };
    const key = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    this.reviews++;
    const response = await this.client.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec,
    });
    if (response.status !== 201 && response.status !== 200)
      throw new KubeApiError(response.status, 'SubjectAccessReview', response);
    const allowed = (response.json as { status?: { allowed?: boolean } }).status?.allowed === true;
    const ttl = allowed ? this.options.allowedTtlMs : this.options.deniedTtlMs;
    if (ttl > 0) this.cache.set(key, allowed, { ttl });
    return allowed;
  }

  /** RBAC cannot be asked "which projects": the caller finds out per project. */
  projectsOf(): string[] {
    return [];
  }
}
