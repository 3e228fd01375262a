import { UpstreamPool, type PoolOptions } from '../proxy/upstream-pool.ts';

/**
 * An upstream address:port and what outlives config changes for it: its connection pools (plain and TLS) and its
 * passive health (a refused connect takes it out of rotation until `failedUntil`).
 */
export class UpstreamTarget {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  failedUntil = 0;
  private plain: UpstreamPool | null = null;
  private secure: UpstreamPool | null = null;
  private readonly poolOptions: PoolOptions;

  constructor(address: string, port: number, poolOptions: PoolOptions) {
    this.key = targetKey(address, port);
    this.address = address;
    this.port = port;
    this.poolOptions = poolOptions;
  }

  pool(tls: boolean): UpstreamPool {
    if (tls) return (this.secure ??= new UpstreamPool(this.address, this.port, true, this.poolOptions));
    return (this.plain ??= new UpstreamPool(this.address, this.port, false, this.poolOptions));
  }

  idleConnections(): number {
    return (this.plain?.idleCount ?? 0) + (this.secure?.idleCount ?? 0);
  }

  sweep(now: number): void {
    this.plain?.sweep(now);
    this.secure?.sweep(now);
  }

  close(): void {
    this.plain?.close();
    this.secure?.close();
  }
}

export function targetKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A target as one backend group lists it, with that group's weight. */
export type Endpoint = { readonly target: UpstreamTarget; readonly weight: number; readonly seed: number };

export function createEndpoint(target: UpstreamTarget, weight: number): Endpoint {
  return { target, weight, seed: mix32(hashString(target.key)) };
}

/** FNV-1a over a string's UTF-16 code units: a fast, well-spread 32-bit hash for balancing keys. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit avalanche mix (murmur3's finalizer), so nearby inputs give unrelated outputs. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
