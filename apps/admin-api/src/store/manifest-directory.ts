// The ALB objects of a directory of manifests (what alb-instance reads in file mode), kept in step with the files:
// a watcher marks the index dirty, the next read stats every file and parses only those that changed.
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from './atomic-write.ts';
import { readManifest } from './manifest-file.ts';

export type AlbKind = 'ALB2' | 'Frontend' | 'Rule';

/** An ALB object and where it is written: file, document index, and whether the API may rewrite it there. */
export type IndexedObject = {
  kind: AlbKind;
  namespace: string;
  name: string;
  file: string;
  index: number;
  editable: boolean;
  object: Record<string, unknown>;
  /** A digest of the object: changes whenever the object does (file mode's resourceVersion). */
  resourceVersion: string;
};

const manifestPattern = /\.(ya?ml|json)$/i;
const kinds: ReadonlySet<string> = new Set(['ALB2', 'Frontend', 'Rule']);

export function contentVersion(object: unknown): string {
  return createHash('sha256').update(JSON.stringify(object)).digest('hex').slice(0, 16);
}

type FileState = { stamp: string; objects: IndexedObject[] };

export class ManifestDirectory {
  readonly dir: string;
  private readonly logger: Logger;
  private readonly files = new Map<string, FileState>();
  private dirty = true;
  private watcher: FSWatcher | null = null;

  constructor(dir: string, logger: Logger) {
    this.dir = dir;
    this.logger = logger;
  }

  async start(): Promise<void> {
    await stat(this.dir); // fails early on a missing directory
    this.watcher = watch(this.dir, { recursive: true }, () => {
      this.dirty = true;
    });
    this.watcher.on('error', () => {
      this.dirty = true;
    });
    await this.refresh();
  }

  stop(): void {
    this.watcher?.close();
  }

  /**
   * Brings the index up to date with the files: when the watcher saw a change since the last look, or always with
   * `force` (before a write: a watch event may still be on its way, and a decision must see every file).
   */
  async refresh(force = false): Promise<void> {
    if (!this.dirty && !force) return;
    this.dirty = false;
    const seen = new Set<string>();
    for (const entry of await readdir(this.dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !manifestPattern.test(entry.name)) continue;
      const file = join(entry.parentPath, entry.name);
      seen.add(file);
      await this.load(file);
    }
    for (const file of [...this.files.keys()]) if (!seen.has(file)) this.files.delete(file);
  }

  /** Every object of a kind; when two files define the same object, the first file (by path) wins, as for reads. */
  list(kind: AlbKind): IndexedObject[] {
    const out = new Map<string, IndexedObject>();
    for (const file of [...this.files.keys()].sort())
      for (const object of this.files.get(file)!.objects) {
        const key = `${object.namespace}/${object.name}`;
        if (object.kind === kind && !out.has(key)) out.set(key, object);
      }
    return [...out.values()];
  }

  find(kind: AlbKind, namespace: string, name: string): IndexedObject | null {
    return this.list(kind).find((o) => o.namespace === namespace && o.name === name) ?? null;
  }

  async readText(file: string): Promise<string> {
    return readFile(file, 'utf8');
  }

  /** Writes a file atomically and indexes what it now holds. */
  async write(file: string, text: string): Promise<void> {
    await writeFileAtomic(file, text);
    await this.load(file);
  }

  async remove(file: string): Promise<void> {
    await rm(file, { force: true });
    this.files.delete(file);
  }

  /** (Re)reads a file when its size, time or inode changed. A file that stops parsing keeps its last objects. */
  private async load(file: string): Promise<void> {
    let info;
    try {
      info = await stat(file);
    } catch {
      this.files.delete(file);
      return;
    }
    const stamp = `${info.mtimeMs}:${info.size}:${info.ino}`;
    if (this.files.get(file)?.stamp === stamp) return;
    const entries = readManifest(await readFile(file, 'utf8'), file.toLowerCase().endsWith('.json'));
    if (entries === null) {
      this.logger.warn({ file }, 'manifest does not parse; keeping what it held before');
      const previous = this.files.get(file);
      if (previous !== undefined) previous.stamp = stamp;
      return;
    }
    const objects: IndexedObject[] = [];
    for (const { index, object, editable } of entries) {
      const metadata = object.metadata as { name?: unknown; namespace?: unknown } | undefined;
      if (typeof object.kind !== 'string' || !kinds.has(object.kind)) continue;
      if (typeof object.apiVersion !== 'string' || !object.apiVersion.startsWith('crd.alauda.io/')) continue;
      if (typeof metadata?.name !== 'string' || metadata.name === '') continue;
      const namespace =
        typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
      objects.push({
        kind: object.kind as AlbKind,
        namespace,
        name: metadata.name,
        file,
        index,
        editable,
        object,
        resourceVersion: contentVersion(object),
      });
    }
    this.files.set(file, { stamp, objects });
  }
}
