// File mode: the directory alb-instance watches is the store. Every write is a whole file written atomically, one
// write sequence at a time in this process (exclusive), and one process per directory (a lock file).
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alb2, Frontend, Rule } from '@alb/crd-types';
import { labels as labelKeys, projectLabel } from '@alb/crd-types';
import type { Logger } from 'pino';
import lockfile from 'proper-lockfile';
import { ManifestDirectory, type AlbKind, type IndexedObject } from './manifest-directory.ts';
import { newManifest, removeDocument, replaceDocument } from './manifest-file.ts';
import {
  matchesFilter,
  StoreConflict,
  StoreNotEditable,
  StoreNotFound,
  type AlbProjectsConfig,
  type AlbStore,
  type ObjectFilter,
  type ObjectKey,
} from './store.ts';
import { syncDocument } from './sync-document.ts';

/** Where objects created through the API are written, below the directory. */
export const createdDir = 'admin-api';

type KubeLike = { metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown } };

export class FileStore implements AlbStore {
  readonly source = 'file' as const;
  private readonly directory: ManifestDirectory;
  private readonly domain: string;
  private readonly release: () => Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private inside = 0;

  private constructor(directory: ManifestDirectory, domain: string, release: () => Promise<void>) {
    this.directory = directory;
    this.domain = domain;
    this.release = release;
  }

  /** Takes the directory's lock (one admin API per directory) and indexes it. */
  static async open(dir: string, domain: string, logger: Logger): Promise<FileStore> {
    const real = await realpath(dir);
    const lockPath = join(
      tmpdir(),
      `alb-admin-api-${createHash('sha256').update(real).digest('hex').slice(0, 16)}.lock`,
    );
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(real, {
        lockfilePath: lockPath,
        realpath: false,
        stale: 10_000,
        update: 2_000,
        onCompromised: (error) => logger.error({ err: error }, 'lost the directory lock; another admin API may write'),
      });
    } catch (error) {
      throw new Error(`another alb-admin-api holds ${real} (lock ${lockPath}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    const directory = new ManifestDirectory(real, logger);
    try {
      await directory.start();
    } catch (error) {
      await release();
      throw error;
    }
    return new FileStore(directory, domain, release);
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.inside++;
      try {
        return await fn();
      } finally {
        this.inside--;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async listAlbs(): Promise<Alb2[]> {
    return (await this.list('ALB2')).map((o) => listed<Alb2>(o));
  }

  async getAlb(key: ObjectKey): Promise<Alb2 | null> {
    return this.get<Alb2>('ALB2', key);
  }

  async writeAlbProjects(key: ObjectKey, resourceVersion: string, config: AlbProjectsConfig): Promise<Alb2> {
    const current = await this.current('ALB2', key, resourceVersion);
    const next = structuredClone(current.object) as unknown as Alb2;
    next.spec ??= {};
    next.spec.config = {
      ...next.spec.config,
      projects: config.projects,
      enablePortProject: config.enablePortProject,
      portProjects: config.portProjects,
    };
    // No operator in file mode: mirror the projects and the mode into labels as ALB's operator does.
    const keys = labelKeys(this.domain);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(next.metadata.labels ?? {}))
      if (!(k.startsWith(keys.projectPrefix) && k !== keys.legacyProject) && k !== keys.role) labels[k] = v;
    for (const project of config.projects) labels[projectLabel(project, this.domain)] = 'true';
    if (config.enablePortProject) labels[keys.role] = 'port';
    if (Object.keys(labels).length > 0) next.metadata.labels = labels;
    else delete next.metadata.labels;
    await this.rewrite(current, next as unknown as Record<string, unknown>);
    return (await this.getAlb(key))!;
  }

  async listFrontends(filter?: ObjectFilter): Promise<Frontend[]> {
    return (await this.list('Frontend', filter)).map((o) => listed<Frontend>(o));
  }

  async getFrontend(key: ObjectKey): Promise<Frontend | null> {
    return this.get<Frontend>('Frontend', key);
  }

  createFrontend(frontend: Frontend): Promise<Frontend> {
    return this.create('Frontend', frontend);
  }

  replaceFrontend(frontend: Frontend): Promise<Frontend> {
    return this.replace('Frontend', frontend);
  }

  deleteFrontend(key: ObjectKey, resourceVersion?: string): Promise<void> {
    return this.delete('Frontend', key, resourceVersion);
  }

  async listRules(filter?: ObjectFilter): Promise<Rule[]> {
    return (await this.list('Rule', filter)).map((o) => listed<Rule>(o));
  }

  async getRule(key: ObjectKey): Promise<Rule | null> {
    return this.get<Rule>('Rule', key);
  }

  createRule(rule: Rule): Promise<Rule> {
    return this.create('Rule', rule);
  }

  replaceRule(rule: Rule): Promise<Rule> {
    return this.replace('Rule', rule);
  }

  deleteRule(key: ObjectKey, resourceVersion?: string): Promise<void> {
    return this.delete('Rule', key, resourceVersion);
  }

  async ready(): Promise<boolean> {
    try {
      await this.directory.refresh();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.directory.stop();
    await this.release();
  }

  /** The objects of a kind that pass the filter (checked before copying: a list copies only what it returns). */
  private async list(kind: AlbKind, filter?: ObjectFilter): Promise<IndexedObject[]> {
    await this.directory.refresh();
    const all = this.directory.list(kind);
    if (filter === undefined) return all;
    return all.filter((o) =>
      matchesFilter(
        { metadata: { namespace: o.namespace, ...(o.object.metadata as { labels?: Record<string, string> }) } },
        filter,
      ),
    );
  }

  private async get<T>(kind: AlbKind, key: ObjectKey): Promise<T | null> {
    await this.directory.refresh();
    const found = this.directory.find(kind, key.namespace, key.name);
    return found === null ? null : view<T>(found);
  }

  /** The object to change, checked against the resourceVersion the caller read. */
  private async current(kind: AlbKind, key: ObjectKey, resourceVersion: string | undefined): Promise<IndexedObject> {
    this.assertExclusive();
    await this.directory.refresh();
    const found = this.directory.find(kind, key.namespace, key.name);
    if (found === null) throw new StoreNotFound(`${kind} ${key.namespace}/${key.name} not found`);
    if (resourceVersion !== undefined && resourceVersion !== found.resourceVersion)
      throw new StoreConflict('changed', `${kind} ${key.namespace}/${key.name} changed since it was read`, view(found));
    if (!found.editable)
      throw new StoreNotEditable(
        `${kind} ${key.namespace}/${key.name} is defined inside a List or a JSON file with several objects ` +
          `(${found.file}); edit that file by hand`,
      );
    return found;
  }

  private async create<T extends KubeLike>(kind: AlbKind, object: T): Promise<T> {
    this.assertExclusive();
    await this.directory.refresh();
    const key = { namespace: object.metadata.namespace ?? 'default', name: object.metadata.name };
    const existing = this.directory.find(kind, key.namespace, key.name);
    if (existing !== null)
      throw new StoreConflict('exists', `${kind} ${key.namespace}/${key.name} already exists`, view(existing));
    await this.directory.write(this.fileFor(kind, key), newManifest(stored(object)));
    return (await this.get<T>(kind, key))!;
  }

  private async replace<T extends KubeLike>(kind: AlbKind, object: T): Promise<T> {
    const key = { namespace: object.metadata.namespace ?? 'default', name: object.metadata.name };
    const current = await this.current(kind, key, object.metadata.resourceVersion);
    await this.rewrite(current, stored(object));
    return (await this.get<T>(kind, key))!;
  }

  private async delete(kind: AlbKind, key: ObjectKey, resourceVersion?: string): Promise<void> {
    const current = await this.current(kind, key, resourceVersion);
    const text = await this.directory.readText(current.file);
    const rest = removeDocument(text, isJson(current.file), current.index);
    if (rest === '') await this.directory.remove(current.file);
    else await this.directory.write(current.file, rest);
  }

  private async rewrite(current: IndexedObject, next: Record<string, unknown>): Promise<void> {
    const text = await this.directory.readText(current.file);
    const out = replaceDocument(text, isJson(current.file), current.index, (doc) => syncDocument(doc, next));
    await this.directory.write(current.file, out);
  }

  private fileFor(kind: AlbKind, key: ObjectKey): string {
    // Names from the API are DNS names already; a namespace read from a hand-written file may be anything.
    let base = `${kind.toLowerCase()}.${key.namespace}.${key.name}`.replace(/[^a-z0-9.-]/g, '_').replace(/\.\.+/g, '_');
    if (base.length > 200)
      base = `${kind.toLowerCase()}.${createHash('sha256').update(base).digest('hex').slice(0, 24)}`;
    return join(this.directory.dir, createdDir, `${base}.yaml`);
  }

  private assertExclusive(): void {
    if (this.inside === 0) throw new Error('file store writes must run inside exclusive()');
  }
}

const isJson = (file: string) => file.toLowerCase().endsWith('.json');

/** An indexed object as the API hands it out: a copy, with its namespace and file-mode resourceVersion. */
function view<T>(found: IndexedObject): T {
  const object = structuredClone(found.object) as { metadata: Record<string, unknown> };
  object.metadata = { ...object.metadata, namespace: found.namespace, resourceVersion: found.resourceVersion };
  return object as T;
}

/**
 * An indexed object in a list: its own metadata (namespace, resourceVersion), the rest shared with the index. Lists
 * are only read (shown, counted); what is changed and written back comes from `get`, a full copy.
 */
function listed<T>(found: IndexedObject): T {
  return {
    ...found.object,
    metadata: {
      ...(found.object.metadata as object),
      namespace: found.namespace,
      resourceVersion: found.resourceVersion,
    },
  } as T;
}

/** The object as written to a file: no resourceVersion (file mode derives it from the content). */
function stored(object: KubeLike): Record<string, unknown> {
  const copy = structuredClone(object) as KubeLike;
  delete copy.metadata.resourceVersion;
  return copy as unknown as Record<string, unknown>;
}
