// A token bucket per caller (a digest of the bearer token): `burst` requests at once, then `perSecond`. Buckets
// live in a bounded LRU, so a flood of distinct tokens cannot grow memory; the clock is injected for tests.
import { LRUCache } from 'lru-cache';

export type RateLimitOptions = { perSecond: number; burst: number; maxKeys: number; now: () => number };

type Bucket = { tokens: number; at: number };

export class RateLimiter {
  private readonly options: RateLimitOptions;
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(options: RateLimitOptions) {
    this.options = options;
    this.buckets = new LRUCache<string, Bucket>({ max: options.maxKeys });
  }

  /** Takes one request from `key`'s bucket: 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const { perSecond, burst, now } = this.options;
    const at = now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at };
    const tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at });
      return 0;
    }
    this.buckets.set(key, { tokens, at });
    return Math.ceil((1 - tokens) / perSecond);
  }
}
