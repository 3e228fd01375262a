/**
 * Bounds on what one manifest file may make the instance hold, so that a small hostile file (a YAML alias bomb:
 * ~500 bytes expanding to 10^9 nodes) or a huge one cannot exhaust memory or freeze the process.
 */
export type ManifestLimits = {
  /** Files larger than this are not read. */
  maxFileBytes: number;
  /** Objects per file, `List` items included. */
  maxObjects: number;
  /** Size of one object (characters of its strings and keys plus one per node): the API server's 3 MiB. */
  maxObjectSize: number;
  /** How much YAML aliases may add to a file, in the same units (each alias counts what it expands to). */
  maxAliasExpansion: number;
  /** Nesting depth of an object, aliases followed. */
  maxDepth: number;
};

export const manifestLimits: ManifestLimits = {
  maxFileBytes: 64 * 2 ** 20,
  maxObjects: 100_000,
  maxObjectSize: 3 * 2 ** 20,
  maxAliasExpansion: 1_000_000,
  maxDepth: 100,
};

/**
 * Measures parsed objects as if every YAML alias were expanded (the size JSON, the object store's fingerprint or
 * any consumer would see), charging a budget: the file's own length plus `maxAliasExpansion`. Without aliases an
 * object is never bigger than its text, so only aliasing can exhaust the budget, and the walk stops as soon as it
 * does: the cost is bounded by the budget, whatever the aliases expand to.
 */
export class SizeBudget {
  private remaining: number;
  private readonly maxDepth: number;

  constructor(total: number, maxDepth: number) {
    this.remaining = total;
    this.maxDepth = maxDepth;
  }

  /** The expanded size of `value`; throws `OverBudget` or `TooDeep`. */
  measure(value: unknown): number {
    return this.walk(value, 0);
  }

  private walk(value: unknown, depth: number): number {
    let size = 1;
    if (typeof value === 'string') {
      size += value.length;
    } else if (value !== null && typeof value === 'object') {
      if (depth >= this.maxDepth) throw new TooDeep(this.maxDepth);
      if (Array.isArray(value)) {
        for (const item of value) size += this.walk(item, depth + 1);
      } else {
        for (const key of Object.keys(value)) {
          this.charge(key.length);
          size += key.length + this.walk((value as Record<string, unknown>)[key], depth + 1);
        }
      }
      return size;
    }
    this.charge(size);
    return size;
  }

  private charge(units: number): void {
    this.remaining -= units + 1;
    if (this.remaining < 0) throw new OverBudget();
  }
}

export class TooDeep extends Error {
  constructor(maxDepth: number) {
    super(`nested deeper than ${maxDepth} levels`);
  }
}

export class OverBudget extends Error {}
