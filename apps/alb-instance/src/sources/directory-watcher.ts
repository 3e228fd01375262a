import { watch, type FSWatcher } from 'node:fs';

/** A watch event: something changed in `dir` (its entry `name`, or unknown when null). */
export type WatchEvent = { dir: string; name: string | null };

/**
 * Watches a set of directories, each on its own: inotify on a directory reports changes to whatever entry has a
 * name in it, so a file replaced by rename (editors, `sed -i`, atomic writers) keeps being followed. (A recursive
 * fs.watch on Linux watches the files themselves and goes deaf to a file once it is renamed over.) `sync` makes
 * the watched set match a scan; a directory replaced at the same path (a new inode) is watched anew.
 */
export class DirectoryWatcher {
  private readonly watchers = new Map<string, { ino: number; watcher: FSWatcher }>();
  private readonly onEvent: (event: WatchEvent) => void;
  private readonly onError: (dir: string, error: Error) => void;

  constructor(onEvent: (event: WatchEvent) => void, onError: (dir: string, error: Error) => void) {
    this.onEvent = onEvent;
    this.onError = onError;
  }

  /** Watches exactly `dirs` (path -> inode). */
  sync(dirs: ReadonlyMap<string, number>): void {
    for (const [dir, entry] of this.watchers) {
      if (dirs.get(dir) === entry.ino) continue;
      entry.watcher.close();
      this.watchers.delete(dir);
    }
    for (const [dir, ino] of dirs) if (!this.watchers.has(dir)) this.add(dir, ino);
  }

  get size(): number {
    return this.watchers.size;
  }

  close(): void {
    this.sync(new Map());
  }

  private add(dir: string, ino: number): void {
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => this.onEvent({ dir, name: name === null ? null : String(name) }));
    } catch (error) {
      // ENOSPC (inotify limits), EMFILE, or the directory just went: the periodic rescans still see changes.
      this.onError(dir, error as Error);
      return;
    }
    watcher.on('error', (error: Error) => {
      watcher.close();
      if (this.watchers.get(dir)?.watcher === watcher) this.watchers.delete(dir);
      this.onError(dir, error);
      this.onEvent({ dir, name: null });
    });
    this.watchers.set(dir, { ino, watcher });
  }
}
