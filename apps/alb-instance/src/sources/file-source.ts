import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { keyOf, type KubeObject } from '../objects/kube-object.ts';
import type { ObjectStore } from '../objects/object-store.ts';
import { systemClock, type Clock } from '../pipeline/clock.ts';
import { DirectoryWatcher, type WatchEvent } from './directory-watcher.ts';
import { manifestLimits, type ManifestLimits } from './manifest-limits.ts';
import { parseManifestInChunks, type ManifestProblem } from './parse-manifest.ts';

const manifestPattern = /\.(ya?ml|json)$/i;

export type FileSourceOptions = {
  dir: string;
  store: ObjectStore;
  /** Called once after each batch of work that changed objects, problems or failures (the rebuild debounces). */
  onChange: () => void;
  /** Called with the problems of each file as they are found (replacing that file's earlier problems). */
  onProblems: (file: string, problems: ManifestProblem[]) => void;
  /** Something that does not stop the source but should be known (a directory that cannot be watched). */
  onWarning?: (message: string) => void;
  clock?: Clock;
  /** Full rescans, a safety net for missed watch events (default 10 s; 0 = never). */
  rescanIntervalMs?: number;
  /** While something cannot be read, rescans this often (default 1 s). */
  failureRetryMs?: number;
  /** How long watch events are gathered before the files they name are read (default 5 ms). */
  batchMs?: number;
  limits?: ManifestLimits;
  /** Lets other work run; called between files and chunks of work (default: one turn of the event loop). */
  yieldNow?: () => Promise<void>;
};

type FileState = { stamp: string; keys: string[]; problems: string };

/** How many objects are stored or removed between two yields. */
const objectsPerTurn = 250;

/**
 * A directory of manifests as a source: every `*.yaml|*.yml|*.json` below `dir` (hidden directories skipped,
 * symlinked files followed), followed as files are created, edited, renamed over and deleted (each directory
 * watched, plus periodic rescans). Only changed files are read again. A file that stops parsing, or is refused by
 * a limit, keeps its last good objects (an editor's half-saved file must not take routes down) and is reported; a
 * deleted file takes its objects with it. A directory or file that cannot be read (missing `dir`, EACCES,
 * EMFILE, ...) is a failure: its objects stay, `failures` names it, and it is retried every second. Work is done
 * in small steps with yields in between, so a huge file never holds the event loop (the data plane may share it).
 */
export class FileSource {
  private readonly options: FileSourceOptions;
  private readonly clock: Clock;
  private readonly limits: ManifestLimits;
  private readonly yieldNow: () => Promise<void>;
  private readonly watcher: DirectoryWatcher;
  /** Per file: its stamp (size, times, inode) when read, the keys of the objects it defined, its problems. */
  private readonly files = new Map<string, FileState>();
  /** Which file defines each key (a key defined by two files is reported; the first file wins). */
  private readonly owners = new Map<string, string>();
  /** Directories and files that cannot be read now, with why. */
  private readonly dirFailures = new Map<string, string>();
  private readonly fileFailures = new Map<string, string>();
  private readonly watched = new Map<string, number>();
  private readonly warned = new Set<string>();
  private pending = new Set<string>();
  private scanDue = false;
  private queue: Promise<void> = Promise.resolve();
  private batchTimer: unknown = null;
  private rescanTimer: unknown = null;
  private retryTimer: unknown = null;
  private stopped = false;
  private filesRead = 0;

  constructor(options: FileSourceOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.limits = options.limits ?? manifestLimits;
    this.yieldNow = options.yieldNow ?? (() => new Promise((resolve) => setImmediate(resolve)));
    this.watcher = new DirectoryWatcher(
      (event) => this.onWatchEvent(event),
      (dir, error) => this.warnOnce(`cannot watch ${dir} (${error.message}); changes there are seen by rescans`),
    );
  }

  /** Reads every file once, then follows changes. Resolves after the initial load (or once stopped). */
  async start(): Promise<void> {
    await this.rescan();
    this.armRescan();
  }

  stop(): void {
    this.stopped = true;
    this.watcher.close();
    for (const timer of [this.batchTimer, this.rescanTimer, this.retryTimer])
      if (timer !== null) this.clock.clearTimeout(timer);
    this.batchTimer = this.rescanTimer = this.retryTimer = null;
  }

  /** Paths (the directory, a subdirectory or a file) that cannot be read now, with the error. */
  get failures(): ReadonlyMap<string, string> {
    return new Map([...this.dirFailures, ...this.fileFailures]);
  }

  /** Walks the whole directory and reads every file whose stamp changed; drops vanished ones. */
  rescan(): Promise<void> {
    this.scanDue = true;
    return this.enqueue();
  }

  /** Reads every file again, changed or not (SIGHUP); resolves to the number of files read. */
  async reload(): Promise<number> {
    for (const state of this.files.values()) state.stamp = '';
    const before = this.filesRead;
    await this.rescan();
    return this.filesRead - before;
  }

  private onWatchEvent({ dir, name }: WatchEvent): void {
    if (name === null || !manifestPattern.test(name)) {
      // A directory came or went, something was renamed (an editor's temp file, Kubernetes' `..data` swap), or
      // the event does not say: look at that directory again (a walk: stats, and reads of what changed only).
      this.pending.add(dir + sep);
    } else {
      this.pending.add(join(dir, name));
    }
    if (this.batchTimer !== null) return;
    this.batchTimer = this.clock.setTimeout(() => {
      this.batchTimer = null;
      void this.enqueue();
    }, this.options.batchMs ?? 5);
  }

  /** Runs one pass over what is pending after the passes already queued; never rejects. */
  private enqueue(): Promise<void> {
    this.queue = this.queue
      .then(() => this.pass())
      .catch((error: Error) => this.warnOnce(`file source: ${error.stack}`));
    return this.queue;
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    const full = this.scanDue;
    this.scanDue = false;
    const pending = this.pending;
    this.pending = new Set();
    const failuresBefore = fingerprint(this.failures);
    let changed = false;
    const root = this.options.dir;
    const rootProblem = await directoryProblem(root);
    if (rootProblem !== null) {
      // Gone or unreadable: not the deletion of every file. Keep everything; watches follow the old inode, drop them.
      this.dirFailures.set(root, rootProblem);
      this.watched.clear();
      this.watcher.sync(this.watched);
    } else {
      this.dirFailures.delete(root);
      const paths = new Set<string>();
      const dirs = full ? [root] : [...pending].filter((p) => p.endsWith(sep)).map((p) => p.slice(0, -1));
      for (const path of pending) if (!path.endsWith(sep)) paths.add(path);
      for (const dir of dirs) await this.scanDirectory(dir, paths, full);
      this.watcher.sync(this.watched);
      for (const path of [...paths].sort()) {
        if (this.stopped) return;
        changed = (await this.refreshSafely(path)) || changed;
        await this.yieldNow();
      }
    }
    if (changed || fingerprint(this.failures) !== failuresBefore) this.options.onChange();
    this.armRetry();
  }

  /**
   * Walks `dir`: its files go into `paths`, its directories are watched, its unreadable subdirectories become
   * failures (their files keep their objects); known files it no longer holds go into `paths` too (to be dropped).
   * Unless `deep`, subdirectories already watched (same inode) are not walked again: their own watches cover them.
   */
  private async scanDirectory(dir: string, paths: Set<string>, deep: boolean): Promise<void> {
    const found = await walk(dir, deep ? new Map() : this.watched);
    const under = (path: string, parent: string) => path === parent || path.startsWith(parent + sep);
    // Still there: found, or below a directory not walked (skipped, or unreadable: its files keep their objects).
    const kept = new Set([...found.failures.keys(), ...found.skipped]);
    const covered = (path: string) => {
      if (found.files.has(path)) return true;
      for (let at = path; at.length > dir.length; at = at.slice(0, at.lastIndexOf(sep))) if (kept.has(at)) return true;
      return false;
    };
    for (const failed of [...this.dirFailures.keys()])
      if (under(failed, dir) && !covered(failed)) this.dirFailures.delete(failed);
    for (const [failed, message] of found.failures) this.dirFailures.set(failed, message);
    for (const watchedDir of [...this.watched.keys()]) {
      if (under(watchedDir, dir) && !found.dirs.has(watchedDir) && !covered(watchedDir))
        this.watched.delete(watchedDir);
    }
    for (const [path, ino] of found.dirs) this.watched.set(path, ino);
    for (const file of found.files) paths.add(file);
    for (const file of this.files.keys()) if (under(file, dir) && !covered(file)) paths.add(file);
    for (const file of this.fileFailures.keys()) if (under(file, dir) && !covered(file)) paths.add(file);
  }

  private async refreshSafely(path: string): Promise<boolean> {
    try {
      return await this.refresh(path);
    } catch (error) {
      // Unexpected (a bug, or a resource limit): as unreadable, never silently dropped.
      return this.fail(path, error as Error);
    }
  }

  /** Brings the store in line with one file (or a path that no longer is one). */
  private async refresh(path: string): Promise<boolean> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if (isGone(error)) return this.forget(path);
      return this.fail(path, error as Error);
    }
    if (!info.isFile()) return this.forget(path);
    const stamp = `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
    const known = this.files.get(path);
    if (known !== undefined && known.stamp === stamp && !this.fileFailures.has(path)) return false;
    const label = relative(this.options.dir, path) || path;
    if (info.size > this.limits.maxFileBytes) {
      return this.keepPrevious(path, stamp, label, known, [
        { file: label, message: `refused: the file is larger than ${this.limits.maxFileBytes} bytes`, limit: true },
      ]);
    }
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isGone(error)) return this.forget(path);
      return this.fail(path, error as Error);
    }
    this.fileFailures.delete(path);
    this.filesRead++;
    const manifest = await parseManifestInChunks(label, text, { limits: this.limits, yieldNow: this.yieldNow });
    if (!manifest.parsed) return this.keepPrevious(path, stamp, label, known, manifest.problems);
    return this.replaceFileObjects(path, label, stamp, manifest.objects, manifest.problems);
  }

  /** A file that cannot be used as a whole: its last good objects stay, its problems say so. */
  private keepPrevious(
    path: string,
    stamp: string,
    label: string,
    known: FileState | undefined,
    problems: ManifestProblem[],
  ): boolean {
    const reported =
      known === undefined || known.keys.length === 0
        ? problems
        : [...problems, { file: label, message: 'kept the objects this file defined before the error' }];
    return this.setFile(path, label, { stamp, keys: known?.keys ?? [], problems: JSON.stringify(reported) }, reported);
  }

  private async replaceFileObjects(
    path: string,
    label: string,
    stamp: string,
    objects: KubeObject[],
    problems: ManifestProblem[],
  ): Promise<boolean> {
    const store = this.options.store;
    const keys = new Set<string>();
    let changed = false;
    let step = 0;
    for (const object of objects) {
      if (++step % objectsPerTurn === 0) await this.yieldNow();
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
      if (keys.has(key)) {
        problems.push({
          file: label,
          kind: object.kind,
          name: object.metadata.name,
          message: 'defined twice in this file; the first one is used',
        });
        continue;
      }
      keys.add(key);
      this.owners.set(key, path);
      changed = store.apply(object) || changed;
    }
    for (const key of this.files.get(path)?.keys ?? []) {
      if (keys.has(key) || this.owners.get(key) !== path) continue;
      if (++step % objectsPerTurn === 0) await this.yieldNow();
      this.owners.delete(key);
      changed = store.remove(key) || changed;
    }
    const state = { stamp, keys: [...keys], problems: JSON.stringify(problems) };
    return this.setFile(path, label, state, problems) || changed;
  }

  /** Records a file's state and reports its problems; true when the problems changed. */
  private setFile(path: string, label: string, state: FileState, problems: ManifestProblem[]): boolean {
    const before = this.files.get(path)?.problems ?? '[]';
    this.files.set(path, state);
    this.options.onProblems(label, problems);
    return before !== state.problems;
  }

  /** A file that cannot be read: its objects stay; the pass reports the failure. */
  private fail(path: string, error: Error): boolean {
    this.fileFailures.set(path, error.message);
    return false;
  }

  private async forget(path: string): Promise<boolean> {
    this.fileFailures.delete(path);
    const known = this.files.get(path);
    if (known === undefined) return false;
    this.files.delete(path);
    let changed = known.problems !== '[]';
    let step = 0;
    for (const key of known.keys) {
      if (this.owners.get(key) !== path) continue;
      if (++step % objectsPerTurn === 0) await this.yieldNow();
      this.owners.delete(key);
      changed = this.options.store.remove(key) || changed;
    }
    this.options.onProblems(relative(this.options.dir, path) || path, []);
    return changed;
  }

  private armRescan(): void {
    const every = this.options.rescanIntervalMs ?? 10_000;
    if (every <= 0 || this.stopped) return;
    this.rescanTimer = this.clock.setTimeout(() => {
      this.rescanTimer = null;
      void this.rescan().then(() => this.armRescan());
    }, every);
  }

  /** While something fails, look again soon (a directory recreated, a permission fixed, descriptors freed). */
  private armRetry(): void {
    if (this.dirFailures.size + this.fileFailures.size === 0 || this.retryTimer !== null || this.stopped) return;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      void this.rescan();
    }, this.options.failureRetryMs ?? 1000);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.add(message);
    this.options.onWarning?.(message);
  }
}

/** Why `dir` cannot be listed, or null. */
async function directoryProblem(dir: string): Promise<string | null> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return `${dir} is not a directory`;
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Every manifest below `dir` and every directory (with its inode, for the watcher), skipping hidden directories
 * (`.git`, Kubernetes' `..2024_...` data directories: their files are reached through the symlinks next to them).
 * A directory that cannot be read is a failure; one that vanished meanwhile is simply gone. Subdirectories in
 * `known` with the same inode are not descended into (`skipped`).
 */
async function walk(
  dir: string,
  known: ReadonlyMap<string, number>,
): Promise<{ files: Set<string>; dirs: Map<string, number>; failures: Map<string, string>; skipped: string[] }> {
  const files = new Set<string>();
  const dirs = new Map<string, number>();
  const failures = new Map<string, string>();
  const skipped: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries;
    try {
      const info = await stat(current);
      if (!info.isDirectory()) continue;
      dirs.set(current, info.ino);
      if (current !== dir && known.get(current) === info.ino) {
        skipped.push(current);
        continue;
      }
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      dirs.delete(current);
      if (!isGone(error)) failures.set(current, (error as Error).message);
      continue;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) stack.push(path);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && manifestPattern.test(entry.name)) {
        files.add(path);
      }
    }
  }
  return { files, dirs, failures, skipped };
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function fingerprint(failures: ReadonlyMap<string, string>): string {
  return JSON.stringify([...failures].sort());
}
