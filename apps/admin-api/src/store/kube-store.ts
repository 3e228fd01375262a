// Kube mode: the ALB2, Frontend and Rule objects in the API server are the store; nothing is kept here.
import type { Alb2, Frontend, Rule } from '@alb/crd-types';
import { KubeApiError, type KubeClient, type KubeResponse } from './kube-client.ts';
import {
  StoreConflict,
  StoreNotFound,
  StoreRefused,
  type AlbProjectsConfig,
  type AlbStore,
  type ObjectFilter,
  type ObjectKey,
} from './store.ts';

/** The field manager of the admin API's writes, as `kubectl get -o yaml --show-managed-fields` shows it. */
export const fieldManager = 'alb-admin-api';

type Resource = { prefix: string; plural: string; what: string };
const resources = {
  alb: { prefix: '/apis/crd.alauda.io/v2beta1', plural: 'alaudaloadbalancer2', what: 'ALB2' },
  frontend: { prefix: '/apis/crd.alauda.io/v1', plural: 'frontends', what: 'Frontend' },
  rule: { prefix: '/apis/crd.alauda.io/v1', plural: 'rules', what: 'Rule' },
} satisfies Record<string, Resource>;

type KubeObject = { metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string } };

export class KubeStore implements AlbStore {
  readonly source = 'kube' as const;
  private readonly client: KubeClient;

  constructor(client: KubeClient) {
    this.client = client;
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  listAlbs(): Promise<Alb2[]> {
    return this.list<Alb2>(resources.alb);
  }

  getAlb(key: ObjectKey): Promise<Alb2 | null> {
    return this.get<Alb2>(resources.alb, key);
  }

  /**
   * Server-side apply of the three fields the admin API owns (field manager `alb-admin-api`, forced: the API is
   * their manager), with the uid and resourceVersion read as preconditions: a changed ALB2 is a conflict, a deleted
   * one is not brought back. The operator mirrors `projects` and the mode into labels, as in ALB.
   */
  async writeAlbProjects(key: ObjectKey, resourceVersion: string, config: AlbProjectsConfig): Promise<Alb2> {
    const current = await this.getAlb(key);
    if (current === null) throw new StoreNotFound(`ALB2 ${key.namespace}/${key.name} not found`);
    const body = {
      apiVersion: 'crd.alauda.io/v2beta1',
      kind: 'ALB2',
      metadata: { name: key.name, namespace: key.namespace, uid: current.metadata.uid, resourceVersion },
      spec: { config },
    };
    const response = await this.client.request(
      'PATCH',
      `${path(resources.alb, key.namespace, key.name)}?fieldManager=${fieldManager}&force=true`,
      body,
      'application/apply-patch+yaml',
    );
    if (response.status === 200) return response.json as Alb2;
    throw await this.writeError(resources.alb, key, response, 'changed');
  }

  listFrontends(filter?: ObjectFilter): Promise<Frontend[]> {
    return this.list<Frontend>(resources.frontend, filter);
  }

  getFrontend(key: ObjectKey): Promise<Frontend | null> {
    return this.get<Frontend>(resources.frontend, key);
  }

  createFrontend(frontend: Frontend): Promise<Frontend> {
    return this.create(resources.frontend, frontend);
  }

  replaceFrontend(frontend: Frontend): Promise<Frontend> {
    return this.replace(resources.frontend, frontend);
  }

  deleteFrontend(key: ObjectKey, resourceVersion?: string): Promise<void> {
    return this.delete(resources.frontend, key, resourceVersion);
  }

  listRules(filter?: ObjectFilter): Promise<Rule[]> {
    return this.list<Rule>(resources.rule, filter);
  }

  getRule(key: ObjectKey): Promise<Rule | null> {
    return this.get<Rule>(resources.rule, key);
  }

  createRule(rule: Rule): Promise<Rule> {
    return this.create(resources.rule, rule);
  }

  replaceRule(rule: Rule): Promise<Rule> {
    return this.replace(resources.rule, rule);
  }

  deleteRule(key: ObjectKey, resourceVersion?: string): Promise<void> {
    return this.delete(resources.rule, key, resourceVersion);
  }

  async ready(): Promise<boolean> {
    try {
      const response = await this.client.request('GET', `${resources.alb.prefix}/${resources.alb.plural}?limit=1`);
      return response.status === 200;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async list<T>(resource: Resource, filter: ObjectFilter = {}): Promise<T[]> {
    const items: T[] = [];
    const query = new URLSearchParams({ limit: '500' });
    if (filter.labels !== undefined && Object.keys(filter.labels).length > 0)
      query.set(
        'labelSelector',
        Object.entries(filter.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      );
    for (;;) {
      const response = await this.client.request('GET', `${path(resource, filter.namespace)}?${query}`);
      if (response.status !== 200) throw new KubeApiError(response.status, `list ${resource.plural}`, response);
      const list = response.json as { items: T[]; metadata?: { continue?: string } };
      items.push(...list.items);
      const next = list.metadata?.continue;
      if (next === undefined || next === '') return items;
      query.set('continue', next);
    }
  }

  private async get<T>(resource: Resource, key: ObjectKey): Promise<T | null> {
    const response = await this.client.request('GET', path(resource, key.namespace, key.name));
    if (response.status === 404) return null;
    if (response.status !== 200)
      throw new KubeApiError(response.status, `get ${resource.what} ${key.namespace}/${key.name}`, response);
    return response.json as T;
  }

  /** POST: the API server creates the object only if no object has its name; that decides races for a port. */
  private async create<T extends KubeObject>(resource: Resource, object: T): Promise<T> {
    const key = keyOf(object);
    const response = await this.client.request(
      'POST',
      `${path(resource, key.namespace)}?fieldManager=${fieldManager}`,
      object,
    );
    if (response.status === 201 || response.status === 200) return response.json as T;
    throw await this.writeError(resource, key, response, 'exists');
  }

  /** PUT with the resourceVersion read: the object becomes exactly this one, or the write is a conflict. */
  private async replace<T extends KubeObject>(resource: Resource, object: T): Promise<T> {
    const key = keyOf(object);
    const response = await this.client.request(
      'PUT',
      `${path(resource, key.namespace, key.name)}?fieldManager=${fieldManager}`,
      object,
    );
    if (response.status === 200) return response.json as T;
    throw await this.writeError(resource, key, response, 'changed');
  }

  private async delete(resource: Resource, key: ObjectKey, resourceVersion?: string): Promise<void> {
    const body =
      resourceVersion === undefined
        ? undefined
        : { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion } };
    const response = await this.client.request('DELETE', path(resource, key.namespace, key.name), body);
    if (response.status === 200 || response.status === 202) return;
    throw await this.writeError(resource, key, response, 'changed');
  }

  /** A refused write as a store error: conflicts carry the object as it is now. */
  private async writeError(
    resource: Resource,
    key: ObjectKey,
    response: KubeResponse,
    reason: 'exists' | 'changed',
  ): Promise<Error> {
    const what = `${resource.what} ${key.namespace}/${key.name}`;
    if (response.status === 404) return new StoreNotFound(`${what} not found`);
    if (response.status === 409) {
      const current = await this.get(resource, key);
      if (current === null && reason === 'changed') return new StoreNotFound(`${what} not found`);
      return new StoreConflict(
        reason === 'exists' && current !== null ? 'exists' : 'changed',
        reason === 'exists' ? `${what} already exists` : `${what} changed since it was read`,
        current,
      );
    }
    // 403 on a write we are allowed to make is an admission policy's answer; 422 the CRD schema's.
    if (response.status === 403 || response.status === 422)
      return new StoreRefused(
        `the API server refused to write ${what}: ${new KubeApiError(response.status, what, response).message}`,
      );
    return new KubeApiError(response.status, `write ${what}`, response);
  }
}

function keyOf(object: KubeObject): ObjectKey {
  return { namespace: object.metadata.namespace ?? 'default', name: object.metadata.name };
}

function path(resource: Resource, namespace?: string, name?: string): string {
  const ns = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  const one = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  return `${resource.prefix}${ns}/${resource.plural}${one}`;
}
