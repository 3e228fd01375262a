import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Recent successful password verifications, so bcrypt's deliberate slowness is paid once per credential and not
 * on every request. Keyed by an HMAC (with a per-process random key) of the stored hash, user and password: the
 * password is never kept, and a changed hash (a Secret edit) misses the cache at once. Bounded in size and age.
 */
export class VerifiedCache {
  private readonly key = randomBytes(32);
  private readonly cache: LRUCache<string, true>;

  constructor(max = 10_000, ttlMs = 60_000) {
    this.cache = new LRUCache<string, true>({ max, ttl: ttlMs, ttlAutopurge: false });
  }

  keyFor(hash: string, user: string, password: string): string {
    return createHmac('sha256', this.key)
      .update(hash)
      .update('\0')
      .update(user)
      .update('\0')
      .update(password)
      .digest('base64');
  }

  has(key: string): boolean {
    return this.cache.get(key) === true;
  }

  add(key: string): void {
    this.cache.set(key, true);
  }
}

/** One per process: shared by every route, kept across config swaps. */
export const verifiedCache = new VerifiedCache();
