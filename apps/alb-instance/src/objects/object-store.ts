import { keyOf, type KubeObject } from './kube-object.ts';

/** All objects by kind, each list sorted by key: what one rebuild sees. Immutable by convention. */
export type Snapshot = ReadonlyMap<string, readonly KubeObject[]>;

/**
 * The objects currently known, by key. `apply` and `remove` say whether anything changed, so a source can mark
 * the state dirty only when it matters (status-only or identical updates are not changes).
 */
export class ObjectStore {
  private readonly objects = new Map<string, { object: KubeObject; fingerprint: string }>();
  private version = 0;
  private cached: { version: number; snapshot: Snapshot } | null = null;

  apply(object: KubeObject): boolean {
    const key = keyOf(object);
    const fingerprint = fingerprintOf(object);
    const existing = this.objects.get(key);
    if (existing !== undefined && existing.fingerprint === fingerprint) {
      // Not a change, but `get` answers with the newest status (a new resourceVersion). The same version keeps
      // the object already held: caches keyed by object identity stay valid.
      if (object.metadata.resourceVersion !== existing.object.metadata.resourceVersion) existing.object = object;
      return false;
    }
    this.objects.set(key, { object, fingerprint });
    this.version++;
    return true;
  }

  remove(key: string): boolean {
    if (!this.objects.delete(key)) return false;
    this.version++;
    return true;
  }

  /**
   * Replaces everything of `kinds` (a relist): returns whether anything changed. With `owns`, only the objects it
   * accepts are replaced: several sources may follow parts of one kind (TLS Secrets by type, basic-auth Secrets by
   * name) without one's relist dropping the others'.
   */
  replaceAll(
    objects: readonly KubeObject[],
    kinds: readonly string[],
    owns?: (object: KubeObject) => boolean,
  ): boolean {
    const wanted = new Set(objects.map(keyOf));
    let changed = false;
    for (const [key, entry] of this.objects) {
      if (owns !== undefined && !owns(entry.object)) continue;
      if (kinds.includes(entry.object.kind) && !wanted.has(key)) changed = this.remove(key) || changed;
    }
    for (const object of objects) changed = this.apply(object) || changed;
    return changed;
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key)?.object;
  }

  get size(): number {
    return this.objects.size;
  }

  snapshot(): Snapshot {
    if (this.cached !== null && this.cached.version === this.version) return this.cached.snapshot;
    const byKind = new Map<string, KubeObject[]>();
    const keys = [...this.objects.keys()].sort();
    for (const key of keys) {
      const object = this.objects.get(key)!.object;
      let list = byKind.get(object.kind);
      if (list === undefined) byKind.set(object.kind, (list = []));
      list.push(object);
    }
    this.cached = { version: this.version, snapshot: byKind };
    return byKind;
  }
}

/**
 * What identifies an object's content: everything but status and bookkeeping that changes on every write. An
 * ALB2's status counts: it carries the addresses that Ingress status reports.
 */
function fingerprintOf(object: KubeObject): string {
  const { status, metadata, ...rest } = object;
  if (object.kind === 'ALB2') rest.status = status;
  const {
    resourceVersion: _rv,
    managedFields: _mf,
    ...meta
  } = metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return JSON.stringify({ ...rest, metadata: meta });
}
