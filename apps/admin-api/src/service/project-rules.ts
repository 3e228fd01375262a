// The Rules of a project's Frontend. A Rule belongs to the project through its Frontend.
import { randomBytes } from 'node:crypto';
import type { Frontend, Rule, RuleSpec } from '@alb/crd-types';
import { isL4Protocol, labels, parseRule } from '@alb/crd-types';
import type { AuditLog } from '../audit-log.ts';
import type { User } from '../auth/user.ts';
import { conflict, errorCodes, notFound } from '../errors.ts';
import type { AlbStore, ObjectKey } from '../store/store.ts';
import type { ProjectFrontends } from './project-frontends.ts';
import { clean, fromStore, invalidObject } from './store-errors.ts';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `<frontend>-<5 random lowercase characters>`, as ALB names Rules it creates. */
function ruleSuffix(): string {
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

export class ProjectRules {
  private readonly store: AlbStore;
  private readonly domain: string;
  private readonly audit: AuditLog;
  private readonly frontends: ProjectFrontends;

  constructor(store: AlbStore, domain: string, audit: AuditLog, frontends: ProjectFrontends) {
    this.store = store;
    this.domain = domain;
    this.audit = audit;
    this.frontends = frontends;
  }

  async list(project: string, frontend: ObjectKey): Promise<Rule[]> {
    const ft = await this.frontends.get(project, frontend);
    const rules = await this.store.listRules({ namespace: frontend.namespace, labels: this.selector(ft) });
    return rules.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).map(clean);
  }

  async get(project: string, frontend: ObjectKey, name: string): Promise<Rule> {
    const ft = await this.frontends.get(project, frontend);
    return this.ruleOf(ft, name);
  }

  async create(
    user: User,
    project: string,
    frontend: ObjectKey,
    body: { name?: string; spec: RuleSpec },
  ): Promise<Rule> {
    try {
      return await this.store.exclusive(async () => {
        const ft = await this.frontends.get(project, frontend);
        if (isL4Protocol(ft.spec.protocol))
          throw conflict(
            errorCodes.l4Frontend,
            `Frontend ${ft.metadata.name} is ${ft.spec.protocol}: every connection goes to its serviceGroup, Rules do not apply`,
            { protocol: ft.spec.protocol },
          );
        const metadata: Rule['metadata'] = {
          name: body.name ?? `${ft.metadata.name}-${ruleSuffix()}`,
          namespace: frontend.namespace,
          labels: { ...this.selector(ft), [labels(this.domain).project]: project },
        };
        if (ft.metadata.uid !== undefined)
          metadata.ownerReferences = [
            { apiVersion: 'crd.alauda.io/v1', kind: 'Frontend', name: ft.metadata.name, uid: ft.metadata.uid },
          ];
        const rule: Rule = { apiVersion: 'crd.alauda.io/v1', kind: 'Rule', metadata, spec: body.spec };
        const parsed = parseRule(rule, { domain: this.domain });
        if (!parsed.ok) throw invalidObject(parsed.issues);
        const created = await this.store.createRule(rule);
        this.audit.write({
          user,
          action: 'create',
          target: `Rule ${frontend.namespace}/${rule.metadata.name}`,
          project,
          before: null,
          after: { labels: created.metadata.labels, spec: created.spec },
        });
        return clean(created);
      });
    } catch (error) {
      throw fromStore(error);
    }
  }

  async replace(
    user: User,
    project: string,
    frontend: ObjectKey,
    name: string,
    body: { spec: RuleSpec; resourceVersion?: string },
  ): Promise<Rule> {
    try {
      return await this.store.exclusive(async () => {
        const ft = await this.frontends.get(project, frontend);
        const current = await this.ruleOf(ft, name);
        const next: Rule = {
          ...current,
          metadata: { ...current.metadata, resourceVersion: body.resourceVersion ?? current.metadata.resourceVersion },
          spec: body.spec,
        };
        delete next.status;
        const parsed = parseRule(next, { domain: this.domain });
        if (!parsed.ok) throw invalidObject(parsed.issues);
        const written = await this.store.replaceRule(next);
        this.audit.write({
          user,
          action: 'update',
          target: `Rule ${frontend.namespace}/${name}`,
          project,
          before: { spec: current.spec },
          after: { spec: written.spec },
        });
        return clean(written);
      });
    } catch (error) {
      throw fromStore(error);
    }
  }

  async delete(user: User, project: string, frontend: ObjectKey, name: string): Promise<void> {
    try {
      await this.store.exclusive(async () => {
        const ft = await this.frontends.get(project, frontend);
        const current = await this.ruleOf(ft, name);
        await this.store.deleteRule({ namespace: frontend.namespace, name });
        this.audit.write({
          user,
          action: 'delete',
          target: `Rule ${frontend.namespace}/${name}`,
          project,
          before: { spec: current.spec },
          after: null,
        });
      });
    } catch (error) {
      throw fromStore(error);
    }
  }

  /** The labels that tie a Rule to this Frontend (and its ALB). */
  private selector(ft: Frontend): Record<string, string> {
    const keys = labels(this.domain);
    return { [keys.name]: ft.metadata.labels?.[keys.name] ?? '', [keys.frontend]: ft.metadata.name };
  }

  private async ruleOf(ft: Frontend, name: string): Promise<Rule> {
    const rule = await this.store.getRule({ namespace: ft.metadata.namespace ?? 'default', name });
    const selector = this.selector(ft);
    if (rule === null || Object.entries(selector).some(([k, v]) => rule.metadata.labels?.[k] !== v))
      throw notFound(`Rule ${ft.metadata.namespace}/${name} of Frontend ${ft.metadata.name}`);
    return clean(rule);
  }
}
