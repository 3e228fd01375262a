// Kube mode's authenticator: a TokenReview asks the API server who a bearer token is. Answers are cached briefly,
// as kube-apiserver's webhook authenticator does, keyed by a digest of the token (never the token itself).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { KubeClient } from '../store/kube-client.ts';
import { KubeApiError } from '../store/kube-client.ts';
import type { Authenticator } from './authenticator.ts';
import type { User } from './user.ts';

export type ReviewCacheOptions = { ttlMs: number; max: number; now?: () => number };

type Answer = { user: User | null };

export class TokenReviewAuthenticator implements Authenticator {
  private readonly client: KubeClient;
  private readonly cache: LRUCache<string, Answer>;
  private readonly ttlMs: number;
  /** API server calls made (tests and metrics read it). */
  reviews = 0;

  constructor(client: KubeClient, options: ReviewCacheOptions) {
    this.client = client;
    this.ttlMs = options.ttlMs;
    this.cache = new LRUCache<string, Answer>({
      max: options.max,
      ttl: Math.max(options.ttlMs, 1),
      ...(options.now !== undefined && { perf: { now: options.now } }),
    });
  }

  async authenticate(token: string): Promise<User | null> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached.user;
    this.reviews++;
    const response = await this.client.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    });
    if (response.status !== 201 && response.status !== 200)
      throw new KubeApiError(response.status, 'TokenReview', response);
    const status = (response.json as { status?: TokenReviewStatus }).status ?? {};
    const user: User | null =
      status.authenticated === true && typeof status.user?.username === 'string'
        ? { name: status.user.username, uid: status.user.uid ?? '', groups: status.user.groups ?? [] }
        : null;
    if (this.ttlMs > 0) this.cache.set(key, { user });
    return user;
  }
}

type TokenReviewStatus = {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[] };
  error?: string;
};
