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
 * The size of a parsed YAML value as if every alias were expanded (the size JSON or any consumer would see),
 * computed in time linear in the distinct nodes: the parser shares an aliased node, so sizes are remembered by
 * identity. Throws `TooDeep` past `maxDepth`, before recursing further.
 */
export class ExpandedSize {
  private readonly memo = new Map<object, { size: number; height: number }>();
  private readonly maxDepth: number;

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth;
  }

  of(value: unknown): number {
    return this.measure(value, 0).size;
  }

  private measure(value: unknown, depth: number): { size: number; height: number } {
    if (typeof value === 'string') return { size: 1 + value.length, height: 0 };
    if (value === null || typeof value !== 'object') return { size: 1, height: 0 };
    const known = this.memo.get(value);
    if (known !== undefined) {
      if (depth + known.height > this.maxDepth) throw new TooDeep(this.maxDepth);
      return known;
    }
    if (depth >= this.maxDepth) throw new TooDeep(this.maxDepth);
    let size = 1;
    let height = 0;
    if (Array.isArray(value)) {
      for (const item of value) {
        const inner = this.measure(item, depth + 1);
        size += inner.size;
        height = Math.max(height, inner.height + 1);
      }
    } else {
      for (const [key, item] of Object.entries(value)) {
        const inner = this.measure(item, depth + 1);
        size += key.length + inner.size;
        height = Math.max(height, inner.height + 1);
      }
    }
    const result = { size, height };
    this.memo.set(value, result);
    return result;
  }
}

export class TooDeep extends Error {
  constructor(maxDepth: number) {
    super(`nested deeper than ${maxDepth} levels`);
  }
}
