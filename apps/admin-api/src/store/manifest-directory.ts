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

/** A full rescan this often, as a safety net for watch events that never came (new directories, overflows). */
const rescanMs = 10_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ManifestDirectory {
  readonly dir: string;
  private readonly logger: Logger;
  private readonly files = new Map<string, FileState>();
  /** Paths the watcher named since the last refresh; `rescan` when it could not say which. */
  private readonly pending = new Set<string>();
  private rescan = true;
  /** One plain (non-recursive) watcher per directory: Node's recursive watch on Linux lists a directory again on
   * every event in it, which costs a write in a directory of a thousand files a thousand entries. */
  private readonly watchers = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | null = null;
  private byKind: Map<AlbKind, IndexedObject[]> | null = null;

  constructor(dir: string, logger: Logger) {
    this.dir = dir;
    this.logger = logger;
  }

  async start(): Promise<void> {
    await stat(this.dir); // fails early on a missing directory
    this.timer = setInterval(() => {
      this.rescan = true;
    }, rescanMs);
    this.timer.unref();
    await this.refresh();
  }

  stop(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    if (this.timer !== null) clearInterval(this.timer);
  }

  /**
   * Brings the index up to date: the files the watcher named (or every file, when it could not say). It first lets
   * two turns of the event loop pass, so the watch events of any change made before this call have been taken in
   * (inotify queues them when the change is made; one poll of the loop lies between two turns).
   */
  async refresh(): Promise<void> {
    await nextTurn();
    await nextTurn();
    if (this.rescan) {
      this.rescan = false;
      this.pending.clear();
      await this.scanAll();
      return;
    }
    if (this.pending.size === 0) return;
    const paths = [...this.pending];
    this.pending.clear();
    for (const path of paths) {
      const info = await stat(path).catch(() => null);
      if (info?.isDirectory() === true) {
        // A new directory: its files may have come before its own watch.
        await this.scanAll();
        return;
      }
      if (manifestPattern.test(path) || this.files.has(path)) await this.load(path);
    }
  }

  private async scanAll(): Promise<void> {
    const seen: string[] = [];
    const dirs = new Set([this.dir]);
    for (const entry of await readdir(this.dir, { recursive: true, withFileTypes: true })) {
      if (entry.isDirectory()) dirs.add(join(entry.parentPath, entry.name));
      else if (entry.isFile() && manifestPattern.test(entry.name)) seen.push(join(entry.parentPath, entry.name));
    }
    this.watchDirectories(dirs);
    // Stat (and parse what changed) in parallel: a directory of a thousand files costs a few milliseconds.
    await Promise.all(seen.map((file) => this.load(file)));
    const kept = new Set(seen);
    for (const file of [...this.files.keys()])
      if (!kept.has(file)) {
        this.files.delete(file);
        this.byKind = null;
      }
  }

  /** Watches every directory of the tree (new ones are found by the rescan their creation triggers). */
  private watchDirectories(dirs: ReadonlySet<string>): void {
    for (const [dir, watcher] of this.watchers)
      if (!dirs.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, (_event, name) => {
          if (name === null) this.rescan = true;
          else this.pending.add(join(dir, name.toString()));
        });
        watcher.on('error', () => {
          this.rescan = true;
        });
        this.watchers.set(dir, watcher);
      } catch {
        this.rescan = true; // gone between the listing and the watch
      }
    }
  }

  /** Every object of a kind; when two files define the same object, the first file (by path) wins, as for reads. */
  list(kind: AlbKind): IndexedObject[] {
    if (this.byKind === null) {
      const byKind = new Map<AlbKind, Map<string, IndexedObject>>();
      for (const file of [...this.files.keys()].sort())
        for (const object of this.files.get(file)!.objects) {
          const objects = byKind.get(object.kind) ?? new Map<string, IndexedObject>();
          byKind.set(object.kind, objects);
          const key = `${object.namespace}/${object.name}`;
          if (!objects.has(key)) objects.set(key, object);
        }
      this.byKind = new Map([...byKind].map(([k, objects]) => [k, [...objects.values()]]));
    }
    return this.byKind.get(kind) ?? [];
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
    this.byKind = null;
  }

  /** (Re)reads a file when its size, time or inode changed. A file that stops parsing keeps its last objects. */
  private async load(file: string): Promise<void> {
    let info;
    try {
      info = await stat(file);
    } catch {
      if (this.files.delete(file)) this.byKind = null;
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
    this.byKind = null;
  }
}
