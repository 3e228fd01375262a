import { hash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Recent successful password verifications, so bcrypt's deliberate slowness is paid once per credential and not
 * on every request. Keyed by a keyed SHA-256 (a per-process random secret prefix) of the stored hash, user and
 * password: the password is never kept, and a changed hash (a Secret edit) misses the cache at once. Bounded in
 * size and age. Not an HMAC: the key never leaves the process, so length extension does not apply, and
 * `createHmac` costs tens of microseconds per call with OpenSSL 3 where the one-shot `hash` costs one or two.
 */
export class VerifiedCache {
  private readonly key = randomBytes(32).toString('base64');
  private readonly cache: LRUCache<string, true>;

  constructor(max = 10_000, ttlMs = 60_000) {
    this.cache = new LRUCache<string, true>({ max, ttl: ttlMs, ttlAutopurge: false });
  }

  keyFor(stored: string, user: string, password: string): string {
    return hash('sha256', `${this.key}\0${stored}\0${user}\0${password}`, 'base64');
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
