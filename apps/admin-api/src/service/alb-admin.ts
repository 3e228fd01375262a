// What an ALB admin does: read ALBs, set the projects an ALB serves, manage its port segments.
import type { Alb2, Frontend } from '@alb/crd-types';
import { labels } from '@alb/crd-types';
import { serves } from '@alb/ingress-translator';
import type { AuditLog } from '../audit-log.ts';
import type { User } from '../auth/user.ts';
import { ApiError, conflict, errorCodes, invalid, notFound } from '../errors.ts';
import { albFacts, frontendAlb, portUser, type AlbFacts } from '../model/alb-facts.ts';
import { parsePortRange } from '../model/port-range.ts';
import {
  overlappingSegment,
  portProjectsText,
  segment,
  sortSegments,
  strandedBy,
  type PortSegment,
  type PortUser,
} from '../model/port-segments.ts';
import { albView, portUseView, segmentView } from '../model/views.ts';
import type { AlbView, PortSegmentView } from '../schemas/api-schemas.ts';
import { StoreConflict, type AlbStore, type ObjectKey } from '../store/store.ts';
import { fromStore } from './store-errors.ts';

/** Kube mode: how often a write is recomputed on a fresh read after another writer changed the ALB2. */
const maxAttempts = 5;

type Loaded = { alb: Alb2; facts: AlbFacts; frontends: PortUser[] };

export class AlbAdmin {
  private readonly store: AlbStore;
  private readonly domain: string;
  private readonly audit: AuditLog;

  constructor(store: AlbStore, domain: string, audit: AuditLog) {
    this.store = store;
    this.domain = domain;
    this.audit = audit;
  }

  async list(): Promise<AlbView[]> {
    const [albs, frontends] = await Promise.all([this.store.listAlbs(), this.store.listFrontends()]);
    const byAlb = this.groupByAlb(frontends);
    return albs
      .map((alb) => {
        const facts = albFacts(alb, this.domain);
        return albView(alb, facts, byAlb.get(`${facts.namespace}/${facts.name}`) ?? []);
      })
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  async get(key: ObjectKey): Promise<AlbView> {
    const { alb, facts, frontends } = await this.load(key);
    return albView(alb, facts, frontends);
  }

  async segments(key: ObjectKey): Promise<PortSegmentView[]> {
    const { facts, frontends } = await this.load(key);
    return facts.segments.map((seg) => segmentView(seg, frontends));
  }

  /** Sets the projects an ALB serves. A project that loses the ALB while it has Frontends there is a conflict. */
  async setProjects(user: User, key: ObjectKey, projects: string[]): Promise<AlbView> {
    const wanted = [...new Set(projects)];
    return this.write(user, key, 'projects', ({ facts, frontends }) => {
      if (!facts.settings.portMode) {
        const next = new Set(wanted);
        const stranded = frontends.filter((ft) => ft.projects.some((p) => !serves(next, p)));
        if (stranded.length > 0)
          throw conflict(
            errorCodes.projectInUse,
            `the ALB would stop serving ${describeProjects(stranded, next)} while Frontends use it: ` +
              stranded.map((ft) => `${ft.namespace}/${ft.name} (port ${ft.port})`).join(', '),
            { frontends: stranded.map(portUseView) },
          );
      }
      return { projects: wanted };
    });
  }

  /** Adds a segment; the first one turns port-project mode on. */
  async createSegment(
    user: User,
    key: ObjectKey,
    body: { ports: string; projects: string[] },
  ): Promise<PortSegmentView> {
    const range = parseRange(body.ports);
    const added = segment(range, body.projects);
    const alb = await this.write(user, key, 'port-segments', ({ facts }) => {
      const overlap = overlappingSegment(facts.segments, range);
      if (overlap !== null)
        throw conflict(errorCodes.segmentOverlap, `ports ${added.id} overlap segment ${overlap.id}`, {
          segments: facts.segments.map(segmentJson),
        });
      return { segments: [...facts.segments, added] };
    });
    return alb.segments.find((s) => s.id === added.id)!;
  }

  /** Changes a segment's ports or projects; no Frontend it holds may be left outside its project's segments. */
  async updateSegment(
    user: User,
    key: ObjectKey,
    id: string,
    body: { ports: string; projects: string[] },
  ): Promise<PortSegmentView> {
    const range = parseRange(body.ports);
    const changed = segment(range, body.projects);
    const alb = await this.write(user, key, 'port-segments', ({ facts, frontends }) => {
      const current = findSegment(facts, id);
      const overlap = overlappingSegment(facts.segments, range, current.id);
      if (overlap !== null)
        throw conflict(errorCodes.segmentOverlap, `ports ${changed.id} overlap segment ${overlap.id}`, {
          segments: facts.segments.map(segmentJson),
        });
      const next = facts.segments.map((s) => (s.id === current.id ? changed : s));
      checkStranded(facts.segments, next, frontends, `changing segment ${id}`);
      return { segments: next };
    });
    return alb.segments.find((s) => s.id === changed.id)!;
  }

  /** Removes a segment nothing uses; removing the last one turns port-project mode off. */
  async deleteSegment(user: User, key: ObjectKey, id: string): Promise<void> {
    await this.write(user, key, 'port-segments', ({ facts, frontends }) => {
      const current = findSegment(facts, id);
      const next = facts.segments.filter((s) => s.id !== current.id);
      checkStranded(facts.segments, next, frontends, `deleting segment ${id}`);
      return { segments: next };
    });
  }

  /**
   * Read, decide, write the ALB2's projects and segments, against the version read. Kube mode: if another writer
   * got in between, decide again on a fresh read (the checks see what is there now).
   */
  private async write(
    user: User,
    key: ObjectKey,
    what: 'projects' | 'port-segments',
    decide: (loaded: Loaded) => { projects?: string[]; segments?: PortSegment[] },
  ): Promise<AlbView> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.exclusive(async () => {
          const loaded = await this.load(key);
          if (what === 'port-segments' && loaded.facts.segmentsProblem !== null)
            throw new ApiError(
              409,
              errorCodes.badSegments,
              `ALB2 ${key.namespace}/${key.name}: ${loaded.facts.segmentsProblem}; fix it by hand first`,
            );
          const decision = decide(loaded);
          const config = loaded.alb.spec?.config ?? {};
          const segments = decision.segments === undefined ? null : sortSegments(decision.segments);
          const written = await this.store.writeAlbProjects(key, loaded.alb.metadata.resourceVersion ?? '', {
            projects: decision.projects ?? config.projects ?? [],
            // Segments decide the mode; a projects change leaves both as they are (a broken string too).
            enablePortProject: segments === null ? config.enablePortProject === true : segments.length > 0,
            portProjects: segments === null ? (config.portProjects ?? '[]') : portProjectsText(segments),
          });
          const after = albView(written, albFacts(written, this.domain), loaded.frontends);
          const before = albView(loaded.alb, loaded.facts, loaded.frontends);
          this.audit.write({
            user,
            action: 'update',
            target: `ALB2 ${key.namespace}/${key.name} ${what}`,
            before: {
              projects: before.projects,
              portProjectMode: before.portProjectMode,
              segments: before.segments.map(segmentJson),
            },
            after: {
              projects: after.projects,
              portProjectMode: after.portProjectMode,
              segments: after.segments.map(segmentJson),
            },
          });
          return after;
        });
      } catch (error) {
        if (error instanceof StoreConflict && error.reason === 'changed' && attempt < maxAttempts) continue;
        throw fromStore(error);
      }
    }
  }

  private async load(key: ObjectKey): Promise<Loaded> {
    const alb = await this.store.getAlb(key);
    if (alb === null) throw notFound(`ALB2 ${key.namespace}/${key.name}`);
    const facts = albFacts(alb, this.domain);
    const frontends = await this.store.listFrontends({
      namespace: key.namespace,
      labels: { [labels(this.domain).name]: key.name },
    });
    return { alb, facts, frontends: frontends.filter(hasPort).map((ft) => portUser(ft, this.domain)) };
  }

  private groupByAlb(frontends: Frontend[]): Map<string, PortUser[]> {
    const out = new Map<string, PortUser[]>();
    for (const ft of frontends) {
      const alb = frontendAlb(ft, this.domain);
      if (alb === null || !hasPort(ft)) continue;
      const key = `${alb.namespace}/${alb.name}`;
      out.set(key, [...(out.get(key) ?? []), portUser(ft, this.domain)]);
    }
    return out;
  }
}

/** A Frontend read from a file may be invalid; only one with a port holds a port. */
export function hasPort(ft: Frontend): boolean {
  return Number.isInteger(ft.spec?.port);
}

function parseRange(text: string) {
  const range = parsePortRange(text);
  if (range === null)
    throw invalid('body.ports', `must be a port or a range within 1-65535 with start <= end, got "${text}"`);
  return range;
}

function findSegment(facts: AlbFacts, id: string): PortSegment {
  const found = facts.segments.find((s) => s.id === id);
  if (found === undefined) throw notFound(`port segment ${id} of ALB2 ${facts.namespace}/${facts.name}`);
  return found;
}

function checkStranded(before: PortSegment[], after: PortSegment[], frontends: PortUser[], doing: string): void {
  const stranded = strandedBy(before, after, frontends);
  if (stranded.length === 0) return;
  throw conflict(
    errorCodes.segmentInUse,
    `${doing} would leave Frontends outside their project's segments: ` +
      stranded
        .map((ft) => `${ft.namespace}/${ft.name} (port ${ft.port}, ${ft.projects.join(', ') || 'no project'})`)
        .join(', '),
    { frontends: stranded.map(portUseView) },
  );
}

function describeProjects(stranded: PortUser[], next: Set<string>): string {
  const lost = new Set(stranded.flatMap((ft) => ft.projects.filter((p) => !serves(next, p))));
  return [...lost].map((p) => `project ${p}`).join(', ');
}

const segmentJson = (s: PortSegment | PortSegmentView) => ({ ports: s.id, projects: s.projects });
