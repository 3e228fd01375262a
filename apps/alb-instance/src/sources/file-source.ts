import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { keyOf, type KubeObject } from '../objects/kube-object.ts';
import type { ObjectStore } from '../objects/object-store.ts';
import { parseManifest, type ManifestProblem } from './parse-manifest.ts';

const manifestPattern = /\.(ya?ml|json)$/i;

export type FileSourceOptions = {
  dir: string;
  store: ObjectStore;
  /** Called after any change to the store (the rebuild loop debounces). */
  onChange: () => void;
  /** Called with the problems of each file as they are found (replacing that file's earlier problems). */
  onProblems: (file: string, problems: ManifestProblem[]) => void;
  /** Full rescans, a safety net for missed watch events (default 10 s; 0 = never). */
  rescanIntervalMs?: number;
};

/**
 * A directory of manifests as a source: every `*.yaml|*.yml|*.json` below `dir`, followed as files are created,
 * edited and deleted (inotify through fs.watch, plus periodic rescans). Only changed files are read again. A file
 * that stops parsing keeps its last good objects (an editor's half-saved file must not take routes down) and is
 * reported; a deleted file takes its objects with it.
 */
export class FileSource {
  private readonly options: FileSourceOptions;
  /** Per file: its size+mtime when read, and the keys of the objects it defined. */
  private readonly files = new Map<string, { stamp: string; keys: string[] }>();
  /** Which file defines each key (a key defined by two files is reported; the first file wins). */
  private readonly owners = new Map<string, string>();
  private watcher: FSWatcher | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private pending = new Set<string>();
  private flushing: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(options: FileSourceOptions) {
    this.options = options;
  }

  /** Loads every file once, then follows changes. Resolves after the initial load. */
  async start(): Promise<void> {
    await this.rescan();
    this.watcher = watch(this.options.dir, { recursive: true }, (_event, name) => {
      if (name === null) {
        void this.rescan();
        return;
      }
      this.pending.add(join(this.options.dir, name.toString()));
      this.scheduleFlush();
    });
    this.watcher.on('error', () => void this.rescan());
    const every = this.options.rescanIntervalMs ?? 10_000;
    if (every > 0) {
      this.rescanTimer = setInterval(() => void this.rescan(), every);
      this.rescanTimer.unref();
    }
  }

  stop(): void {
    this.watcher?.close();
    if (this.rescanTimer !== null) clearInterval(this.rescanTimer);
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
  }

  /** Files named by watch events are read a few milliseconds later, batched (editors write in bursts). */
  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, 5);
  }

  private async flush(): Promise<void> {
    if (this.flushing !== null) {
      await this.flushing;
      if (this.pending.size > 0) this.scheduleFlush();
      return;
    }
    const paths = [...this.pending];
    this.pending.clear();
    this.flushing = (async () => {
      let changed = false;
      for (const path of paths) changed = (await this.refresh(path)) || changed;
      if (changed) this.options.onChange();
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  /** Re-reads every manifest whose size or mtime changed, and drops vanished ones. */
  async rescan(): Promise<void> {
    const found = await listManifests(this.options.dir);
    for (const path of this.files.keys()) if (!found.includes(path)) this.pending.add(path);
    for (const path of found) this.pending.add(path);
    await this.flush();
  }

  /** Brings the store in line with one path (a file, or something that no longer is one). */
  private async refresh(path: string): Promise<boolean> {
    if (!manifestPattern.test(path)) {
      // A directory event: look inside it (new subdirectories are read on creation).
      const info = await stat(path).catch(() => null);
      if (info?.isDirectory()) {
        let changed = false;
        for (const inner of await listManifests(path)) changed = (await this.refresh(inner)) || changed;
        return changed;
      }
      return false;
    }
    const info = await stat(path).catch(() => null);
    if (info === null || !info.isFile()) return this.forget(path);
    const stamp = `${info.size}:${info.mtimeMs}`;
    const known = this.files.get(path);
    if (known !== undefined && known.stamp === stamp) return false;
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text === null) return this.forget(path);
    const label = relative(this.options.dir, path) || path;
    const manifest = parseManifest(label, text);
    if (!manifest.parsed && known !== undefined) {
      this.options.onProblems(label, [
        ...manifest.problems,
        { file: label, message: 'kept the objects this file defined before the error' },
      ]);
      this.files.set(path, { stamp, keys: known.keys });
      return false;
    }
    return this.replaceFileObjects(path, label, stamp, manifest.objects, manifest.problems);
  }

  private replaceFileObjects(
    path: string,
    label: string,
    stamp: string,
    objects: KubeObject[],
    problems: ManifestProblem[],
  ): boolean {
    const store = this.options.store;
    const previous = this.files.get(path)?.keys ?? [];
    const keys: string[] = [];
    let changed = false;
    for (const object of objects) {
      const key = keyOf(object);
      const owner = this.owners.get(key);
      if (owner !== undefined && owner !== path) {
        problems.push({
          file: label,
          kind: object.kind,
          name: object.metadata.name,
          message: `also defined in ${relative(this.options.dir, owner)}; that one is used`,
        });
        continue;
      }
      if (keys.includes(key)) {
        problems.push({
          file: label,
          kind: object.kind,
          name: object.metadata.name,
          message: 'defined twice in this file; the first one is used',
        });
        continue;
      }
      keys.push(key);
      this.owners.set(key, path);
      changed = store.apply(object) || changed;
    }
    for (const key of previous) {
      if (keys.includes(key)) continue;
      this.owners.delete(key);
      changed = store.remove(key) || changed;
    }
    this.files.set(path, { stamp, keys });
    this.options.onProblems(label, problems);
    return changed;
  }

  private forget(path: string): boolean {
    const known = this.files.get(path);
    if (known === undefined) return false;
    this.files.delete(path);
    let changed = false;
    for (const key of known.keys) {
      if (this.owners.get(key) !== path) continue;
      this.owners.delete(key);
      changed = this.options.store.remove(key) || changed;
    }
    this.options.onProblems(relative(this.options.dir, path) || path, []);
    return changed;
  }
}

async function listManifests(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile() && manifestPattern.test(entry.name)) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}
