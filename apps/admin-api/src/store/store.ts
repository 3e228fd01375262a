// The one interface the API works through; a directory of YAML (file mode) or the API server (kube mode) behind it.
import type { Alb2, Frontend, Rule } from '@alb/crd-types';

export type ObjectKey = { namespace: string; name: string };

export type ObjectFilter = {
  /** Only objects of this namespace (default: every namespace). */
  namespace?: string;
  /** Only objects carrying every one of these labels with these values. */
  labels?: Record<string, string>;
};

/** The fields of an ALB2 the admin API manages (ALB's own: the operator and the instances read them). */
export type AlbProjectsConfig = {
  /** `spec.config.projects`. */
  projects: string[];
  /** `spec.config.enablePortProject`. */
  enablePortProject: boolean;
  /** `spec.config.portProjects`: ALB's JSON string of segments. */
  portProjects: string;
};

/**
 * Frontends and Rules are written whole (create, replace with the resourceVersion read, delete); an ALB2 only in
 * the fields of `AlbProjectsConfig`. Writes fail with `StoreConflict` when the object exists (create) or changed
 * since it was read (replace, delete with a resourceVersion), and with `StoreNotFound` when it is gone.
 */
export interface AlbStore {
  readonly source: 'file' | 'kube';
  /**
   * Runs a read-check-write sequence. File mode: one at a time (the directory lock), so checks stay true until the
   * write. Kube mode: at once; the API server decides races (deterministic names, resourceVersions).
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  listAlbs(): Promise<Alb2[]>;
  getAlb(key: ObjectKey): Promise<Alb2 | null>;
  writeAlbProjects(key: ObjectKey, resourceVersion: string, config: AlbProjectsConfig): Promise<Alb2>;
  listFrontends(filter?: ObjectFilter): Promise<Frontend[]>;
  getFrontend(key: ObjectKey): Promise<Frontend | null>;
  createFrontend(frontend: Frontend): Promise<Frontend>;
  replaceFrontend(frontend: Frontend): Promise<Frontend>;
  deleteFrontend(key: ObjectKey, resourceVersion?: string): Promise<void>;
  listRules(filter?: ObjectFilter): Promise<Rule[]>;
  getRule(key: ObjectKey): Promise<Rule | null>;
  createRule(rule: Rule): Promise<Rule>;
  replaceRule(rule: Rule): Promise<Rule>;
  deleteRule(key: ObjectKey, resourceVersion?: string): Promise<void>;
  /** The source answers (directory readable, API server reachable with our rights). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** A write lost a race: the object exists (create) or is not the version read (replace, delete). */
export class StoreConflict extends Error {
  readonly reason: 'exists' | 'changed';
  /** The object as it is now, when the store could read it. */
  readonly current: unknown;

  constructor(reason: 'exists' | 'changed', message: string, current: unknown = null) {
    super(message);
    this.name = 'StoreConflict';
    this.reason = reason;
    this.current = current;
  }
}

export class StoreNotFound extends Error {
  override name = 'StoreNotFound';
}

/** A file-mode object the admin API cannot rewrite safely (inside a List, a JSON file with several objects). */
export class StoreNotEditable extends Error {
  override name = 'StoreNotEditable';
}

/** The source refused a write for its own reasons (kube mode: an admission policy, the CRD schema). */
export class StoreRefused extends Error {
  override name = 'StoreRefused';
}

export function matchesFilter(
  object: { metadata: { namespace?: string; labels?: Record<string, string> } },
  filter: ObjectFilter = {},
): boolean {
  if (filter.namespace !== undefined && (object.metadata.namespace ?? 'default') !== filter.namespace) return false;
  if (filter.labels !== undefined) {
    const labels = object.metadata.labels ?? {};
    for (const [key, value] of Object.entries(filter.labels)) if (labels[key] !== value) return false;
  }
  return true;
}
