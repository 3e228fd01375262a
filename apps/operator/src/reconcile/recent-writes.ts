import type { KubeObject } from '../kube/kube-object.ts';

/** How long a write is trusted over the cache without its watch event (a lost event must not pin it forever). */
const maxAgeMs = 30_000;

/**
 * What the API server answered to our last writes, by object path, until the watch event of that object arrives:
 * a reconcile that runs before the caches caught up with our own writes then sees them, and does not write again.
 */
export class RecentWrites {
  private readonly entries = new Map<string, { object: KubeObject; at: number }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  set(path: string, object: KubeObject): void {
    this.entries.set(path, { object, at: this.now() });
  }

  get(path: string): KubeObject | undefined {
    const entry = this.entries.get(path);
    if (entry === undefined) return undefined;
    if (this.now() - entry.at > maxAgeMs) {
      this.entries.delete(path);
      return undefined;
    }
    return entry.object;
  }

  /** A watch event for the object: the cache is now at least as new. */
  forget(path: string): void {
    this.entries.delete(path);
  }

  clear(): void {
    this.entries.clear();
  }

  size(): number {
    return this.entries.size;
  }
}
