import { allProjects, frontendProjects } from '@alb/ingress-translator';
import type { Authorizer } from '../auth/authorizer.ts';
import type { User } from '../auth/user.ts';
import { albFacts, frontendAlb, portUser } from '../model/alb-facts.ts';
import type { PortUser } from '../model/port-segments.ts';
import { albUsage } from '../model/views.ts';
import type { AlbUsageView, ProjectUsageView, WhoAmIView } from '../schemas/api-schemas.ts';
import type { AlbStore } from '../store/store.ts';
import { hasPort } from './alb-admin.ts';

/** At most this many projects are checked for /v1/whoami (each is an authorization question). */
const maxProjectsChecked = 200;

export class ProjectUsage {
  private readonly store: AlbStore;
  private readonly domain: string;

  constructor(store: AlbStore, domain: string) {
    this.store = store;
    this.domain = domain;
  }

  /** Per ALB where the project has something: its segments and their use, its Frontends, its free ports. */
  async usage(project: string): Promise<ProjectUsageView> {
    const [albs, frontends] = await Promise.all([this.store.listAlbs(), this.store.listFrontends()]);
    const byAlb = new Map<string, PortUser[]>();
    for (const ft of frontends) {
      const alb = frontendAlb(ft, this.domain);
      if (alb === null || !hasPort(ft)) continue;
      const key = `${alb.namespace}/${alb.name}`;
      byAlb.set(key, [...(byAlb.get(key) ?? []), portUser(ft, this.domain)]);
    }
    const out: AlbUsageView[] = [];
    for (const alb of albs) {
      const facts = albFacts(alb, this.domain);
      const found = albUsage(facts, project, byAlb.get(`${facts.namespace}/${facts.name}`) ?? []);
      if (found !== null) out.push(found);
    }
    out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    return { project, albs: out };
  }

  /** Who the caller is, whether they administer ALBs, and which known projects they may work in. */
  async whoami(user: User, authorizer: Authorizer, source: string): Promise<WhoAmIView> {
    const [albs, frontends] = await Promise.all([this.store.listAlbs(), this.store.listFrontends()]);
    const known = new Set<string>();
    for (const alb of albs) {
      const facts = albFacts(alb, this.domain);
      for (const p of facts.settings.projects) known.add(p);
      for (const seg of facts.segments) for (const p of seg.projects) known.add(p);
    }
    for (const ft of frontends) for (const p of frontendProjects(ft, this.domain)) known.add(p);
    for (const p of authorizer.projectsOf(user)) known.add(p);
    known.delete(allProjects);
    const candidates = [...known].sort().slice(0, maxProjectsChecked);
    const [admin, ...allowed] = await Promise.all([
      authorizer.allowed(user, { verb: 'list', resource: 'albs' }),
      ...candidates.map((p) =>
        authorizer.allowed(user, { verb: 'list', resource: 'projects', subresource: 'frontends', name: p }),
      ),
    ]);
    return {
      user: user.name,
      groups: user.groups,
      admin: admin === true,
      projects: candidates.filter((_, i) => allowed[i]),
      source,
    };
  }
}
