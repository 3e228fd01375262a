// A project's Frontends: the port comes from the project's share of the ALB, the project label from the path.
import type { Alb2, Frontend, FrontendSpec } from '@alb/crd-types';
import { frontendName, labels, parseFrontend, projectLabel } from '@alb/crd-types';
import { frontendProjects } from '@alb/ingress-translator';
import type { AuditLog } from '../audit-log.ts';
import type { User } from '../auth/user.ts';
import { conflict, errorCodes, invalid, notFound, type ApiError } from '../errors.ts';
import { albFacts, projectPortRanges } from '../model/alb-facts.ts';
import { allocatePort } from '../model/port-allocation.ts';
import { rangeContains } from '../model/port-range.ts';
import { projectSegments } from '../model/port-segments.ts';
import { StoreConflict, type AlbStore, type ObjectKey } from '../store/store.ts';
import { hasPort } from './alb-admin.ts';
import { clean, fromStore, invalidObject } from './store-errors.ts';

/** Kube mode: other ports tried when the one chosen was taken by a concurrent create. */
const maxAllocationAttempts = 20;
/** After a lost race, the next port is one of this many lowest free ones, picked at random. */
const retrySpread = 64;

export type NewFrontend = { alb: ObjectKey; spec: Omit<FrontendSpec, 'port'> & { port?: number } };

export class ProjectFrontends {
  private readonly store: AlbStore;
  private readonly domain: string;
  private readonly audit: AuditLog;

  constructor(store: AlbStore, domain: string, audit: AuditLog) {
    this.store = store;
    this.domain = domain;
    this.audit = audit;
  }

  async list(project: string, alb?: ObjectKey): Promise<Frontend[]> {
    const selector: Record<string, string> = { [projectLabel(project, this.domain)]: 'true' };
    if (alb !== undefined) selector[labels(this.domain).name] = alb.name;
    const found = await this.store.listFrontends({
      labels: selector,
      ...(alb !== undefined && { namespace: alb.namespace }),
    });
    return found.sort(byKey).map(clean);
  }

  /** A Frontend of the project; 404 for one that does not exist or belongs to another project. */
  async get(project: string, key: ObjectKey): Promise<Frontend> {
    const ft = await this.store.getFrontend(key);
    if (ft === null || !frontendProjects(ft, this.domain).has(project))
      throw notFound(`Frontend ${key.namespace}/${key.name} of project ${project}`);
    return clean(ft);
  }

  /**
   * Creates a Frontend `<alb>-<port>` on a port of the project's share: the one asked for (it must be free), or the
   * lowest free one. The name makes a second create of the same port fail, which settles races.
   */
  async create(user: User, project: string, body: NewFrontend): Promise<Frontend> {
    const tried = new Set<number>();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.exclusive(() => this.createOnce(user, project, body, tried));
      } catch (error) {
        const retry = error instanceof StoreConflict && body.spec.port === undefined && attempt < maxAllocationAttempts;
        if (retry) continue;
        throw fromStore(error);
      }
    }
  }

  private async createOnce(user: User, project: string, body: NewFrontend, tried: Set<number>): Promise<Frontend> {
    const alb = await this.store.getAlb(body.alb);
    if (alb === null) throw notFound(`ALB2 ${body.alb.namespace}/${body.alb.name}`);
    const facts = albFacts(alb, this.domain);
    const ranges = projectPortRanges(facts, project);
    if (ranges === null)
      throw conflict(
        errorCodes.portNotAllowed,
        facts.settings.portMode
          ? `project ${project} has no port segment on ALB2 ${facts.namespace}/${facts.name}`
          : `ALB2 ${facts.namespace}/${facts.name} does not serve project ${project}`,
        { segments: [] },
      );
    const frontends = (
      await this.store.listFrontends({ namespace: facts.namespace, labels: { [labels(this.domain).name]: facts.name } })
    ).filter(hasPort);
    const used = new Set([...frontends.map((ft) => ft.spec.port), ...facts.reservedPorts]);
    let port = body.spec.port;
    if (port === undefined) {
      // The lowest free port first; after a lost race, spread out so that the losers do not collide again.
      const found = allocatePort(ranges, used, tried, tried.size === 0 ? 1 : retrySpread);
      if (found === null)
        throw conflict(errorCodes.noFreePort, `project ${project} has no free port left on ALB2 ${facts.name}`, {
          segments: this.segmentsOf(facts, project),
        });
      port = found;
      tried.add(port);
    } else {
      if (!ranges.some((r) => rangeContains(r, port!)))
        throw conflict(
          errorCodes.portNotAllowed,
          `port ${port} is not in a port segment of project ${project} on ALB2 ${facts.name}`,
          { segments: this.segmentsOf(facts, project) },
        );
      if (facts.reservedPorts.has(port))
        throw conflict(errorCodes.portTaken, `port ${port} is the ALB's own (metrics) port`, { port });
      const holder = frontends.find((ft) => ft.spec.port === port);
      if (holder !== undefined) throw portTaken(port, holder, this.domain);
    }
    const object = this.frontendObject(alb, project, port, body.spec);
    const parsed = parseFrontend(object, { domain: this.domain });
    if (!parsed.ok) throw invalidObject(parsed.issues);
    let created: Frontend;
    try {
      created = await this.store.createFrontend(object);
    } catch (error) {
      if (error instanceof StoreConflict && body.spec.port !== undefined && error.current !== null)
        throw portTaken(port, error.current as Frontend, this.domain);
      throw error;
    }
    this.audit.write({
      user,
      action: 'create',
      target: `Frontend ${facts.namespace}/${object.metadata.name}`,
      project,
      before: null,
      after: summary(created),
    });
    return clean(created);
  }

  /** Replaces the spec; the port (and so the name) stays, the labels stay the server's. */
  async replace(
    user: User,
    project: string,
    key: ObjectKey,
    body: { spec: FrontendSpec; resourceVersion?: string },
  ): Promise<Frontend> {
    try {
      return await this.store.exclusive(async () => {
        const current = await this.get(project, key);
        if (body.spec.port !== current.spec.port)
          throw invalid(
            'body.spec.port',
            `cannot change (it is ${current.spec.port}; the Frontend's name follows its port): create a new Frontend`,
          );
        const next: Frontend = {
          ...current,
          metadata: { ...current.metadata, resourceVersion: body.resourceVersion ?? current.metadata.resourceVersion },
          spec: body.spec,
        };
        delete next.status;
        const parsed = parseFrontend(next, { domain: this.domain });
        if (!parsed.ok) throw invalidObject(parsed.issues);
        const written = await this.store.replaceFrontend(next);
        this.audit.write({
          user,
          action: 'update',
          target: `Frontend ${key.namespace}/${key.name}`,
          project,
          before: summary(current),
          after: summary(written),
        });
        return clean(written);
      });
    } catch (error) {
      throw fromStore(error);
    }
  }

  /** Deletes the Frontend and its Rules (Rules first, so none is left without its Frontend). */
  async delete(user: User, project: string, key: ObjectKey): Promise<void> {
    try {
      await this.store.exclusive(async () => {
        const current = await this.get(project, key);
        const keys = labels(this.domain);
        const alb = current.metadata.labels?.[keys.name] ?? '';
        const rules = await this.store.listRules({
          namespace: key.namespace,
          labels: { [keys.name]: alb, [keys.frontend]: key.name },
        });
        for (const rule of rules) await this.store.deleteRule({ namespace: key.namespace, name: rule.metadata.name });
        await this.store.deleteFrontend(key);
        this.audit.write({
          user,
          action: 'delete',
          target: `Frontend ${key.namespace}/${key.name}`,
          project,
          before: { ...summary(current), rules: rules.map((r) => r.metadata.name) },
          after: null,
        });
      });
    } catch (error) {
      throw fromStore(error);
    }
  }

  private frontendObject(alb: Alb2, project: string, port: number, spec: NewFrontend['spec']): Frontend {
    const namespace = alb.metadata.namespace ?? 'default';
    const metadata: Frontend['metadata'] = {
      name: frontendName(alb.metadata.name, port),
      namespace,
      labels: { [labels(this.domain).name]: alb.metadata.name, [projectLabel(project, this.domain)]: 'true' },
    };
    // In a cluster the Frontend goes with its ALB2 (garbage collection), as ALB's own Frontends do.
    if (alb.metadata.uid !== undefined)
      metadata.ownerReferences = [
        { apiVersion: alb.apiVersion, kind: 'ALB2', name: alb.metadata.name, uid: alb.metadata.uid },
      ];
    return { apiVersion: 'crd.alauda.io/v1', kind: 'Frontend', metadata, spec: { port, ...spec } };
  }

  private segmentsOf(facts: ReturnType<typeof albFacts>, project: string) {
    return projectSegments(facts.segments, project).map((s) => ({ ports: s.id, projects: s.projects }));
  }
}

/** 409 for a port another Frontend holds; only its name and projects are shown (it may be another project's). */
function portTaken(port: number, holder: Frontend, domain: string): ApiError {
  return conflict(errorCodes.portTaken, `port ${port} is taken by Frontend ${holder.metadata.name}`, {
    frontend: {
      namespace: holder.metadata.namespace,
      name: holder.metadata.name,
      port: holder.spec?.port,
      projects: [...frontendProjects(holder, domain)].sort(),
    },
  });
}

function summary(ft: Frontend) {
  return { labels: ft.metadata.labels ?? {}, spec: ft.spec };
}

const byKey = (a: Frontend, b: Frontend) =>
  (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
  a.metadata.name.localeCompare(b.metadata.name);
