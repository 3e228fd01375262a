// translateIngresses: Ingresses (+ classes, namespaces, Services, the ALB2, existing Frontends) -> the Frontends
// and Rules the leader should write, with a diagnostic per problem. Pure and deterministic: the same input in any
// order gives byte-identical output.
import type { Alb2, Frontend, Rule } from '@alb/crd-types';
import { labels } from '@alb/crd-types';
import type { AlbSettings } from './alb-settings.ts';
import { albSettings } from './alb-settings.ts';
import { classSelector } from './class-selection.ts';
import type { Diagnostic } from './diagnostics.ts';
import { DiagnosticSink } from './diagnostics.ts';
import { AlbError, diagnosticCodes, errorCodes } from './errors.ts';
import type { DefaultBackendOwner, SideFrontend } from './frontends.ts';
import { compare, desiredFrontend, sideFrontends } from './frontends.ts';
import type { IngressPlan } from './ingress-plan.ts';
import { planIngress } from './ingress-plan.ts';
import type { IngressStatus } from './ingress-status.ts';
import { ingressStatus } from './ingress-status.ts';
import type { Ingress, IngressClass, Namespace, Service } from './kube-types.ts';
import { frontendProjects, projectsByNamespace, serves } from './projects.ts';
import { regexChecker } from './regex-check.ts';
import { buildRule } from './rule-builder.ts';
import { indexServices } from './service-port.ts';
import type { Side } from './tls-hosts.ts';

export type TranslateInput = {
  /** The ALB whose Ingresses are translated. */
  alb: Alb2;
  ingresses: readonly Ingress[];
  ingressClasses?: readonly IngressClass[];
  namespaces?: readonly Namespace[];
  services?: readonly Service[];
  /** Existing Frontends (any ALB's; only this ALB's are used): port-project mode needs them; their fields are kept. */
  frontends?: readonly Frontend[];
  /** Label domain (default `cpaas.io`). */
  domain?: string;
  /** `spec.controller` of IngressClasses that may bind a class name to this ALB (default `<domain>/alb2`). */
  controllerName?: string;
};

export type TranslateOutput = {
  /** The Ingress http/https Frontends that exist or are needed, complete, sorted by name. Never delete others. */
  frontends: Frontend[];
  /** Every Rule translated from an Ingress for this ALB, complete, sorted by name. */
  rules: Rule[];
  /** Problems, each about one Ingress, sorted by Ingress, field and code. */
  diagnostics: Diagnostic[];
  /** This ALB's status entries for every Ingress it handles, sorted by namespace and name. */
  ingressStatus: IngressStatus[];
};

const sides: readonly Side[] = ['http', 'https'];

export function translateIngresses(input: TranslateInput): TranslateOutput {
  const domain = input.domain ?? 'cpaas.io';
  try {
    labels(domain);
  } catch (err) {
    throw new AlbError(errorCodes.badArgument, `translateIngresses: ${(err as Error).message}`, { cause: err });
  }
  const albName = input.alb?.metadata?.name;
  if (typeof albName !== 'string' || albName === '')
    throw new AlbError(errorCodes.badArgument, 'translateIngresses: input.alb must be an ALB2 with metadata.name');
  const alb = albSettings(input.alb, domain);
  const empty: TranslateOutput = { frontends: [], rules: [], diagnostics: [], ingressStatus: [] };
  if (!alb.enabled) return empty;

  const sink = new DiagnosticSink();
  const fts = sideFrontends(alb, input.frontends ?? []);
  const { plans, rules } = handledIngresses(input, alb, fts, sink);
  return assemble(alb, fts, plans, rules, sink);
}

/**
 * Selection (class, project, port-project Frontends), planning and Rules of each handled Ingress, in name order.
 * Rules are built as each Ingress is planned, so the per-path plans do not all stay alive at once.
 */
function handledIngresses(
  input: TranslateInput,
  alb: AlbSettings,
  fts: Record<Side, SideFrontend>,
  sink: DiagnosticSink,
): { plans: IngressPlan[]; rules: Rule[] } {
  const selector = classSelector(alb, input.ingressClasses ?? [], input.controllerName ?? `${alb.domain}/alb2`);
  const projects = projectsByNamespace(input.namespaces ?? [], alb.domain);
  const services = indexServices(input.services ?? []);
  const checkRegex = regexChecker();
  const ingresses = input.ingresses
    .filter((ing) => typeof ing?.metadata?.name === 'string')
    .map((ing) => ({ ing, namespace: ing.metadata.namespace ?? 'default' }))
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.ing.metadata.name, b.ing.metadata.name));
  const plans: IngressPlan[] = [];
  const rules: Rule[] = [];
  for (const { ing, namespace } of ingresses) {
    const selected = selector.select(ing);
    if (selected === null) continue;
    const report = sink.reporter(namespace, ing.metadata.name);
    // Only an Ingress that names this ALB hears why it is not served: unclassed ones may belong to another ALB.
    const explain = selected === 'ours' ? report : () => {};
    const project = projects.get(namespace) ?? '';
    const projectText = project === '' ? `namespace ${namespace} has no project` : `project ${project}`;
    if (alb.portMode) {
      const wanted = sides.map((s) => fts[s]).filter((s) => s.port !== 0);
      const missing = wanted.find((s) => s.existing === undefined);
      if (missing !== undefined) {
        explain(
          'warning',
          diagnosticCodes.portProjectFrontends,
          'metadata.namespace',
          `ALB ${alb.name} is in port-project mode: Ingresses are served once an http Frontend on port ${alb.httpPort} ` +
            `and an https Frontend on port ${alb.httpsPort} exist`,
        );
        continue;
      }
      const closed = wanted.find((s) => !serves(frontendProjects(s.existing!, alb.domain), project));
      if (closed !== undefined) {
        explain(
          'warning',
          diagnosticCodes.projectNotServed,
          'metadata.namespace',
          `${projectText}, which Frontend ${closed.name} (port ${closed.port}) of ALB ${alb.name} does not serve`,
        );
        continue;
      }
    } else if (!serves(alb.projects, project)) {
      explain(
        'warning',
        diagnosticCodes.projectNotServed,
        'metadata.namespace',
        `${projectText}, which ALB ${alb.name} does not serve`,
      );
      continue;
    }
    const plan = planIngress(ing, namespace, project, { alb, services, checkRegex }, report);
    addRules(alb, fts, plan, rules);
    plan.paths = [];
    plans.push(plan);
  }
  return { plans, rules };
}

/** One Rule per path and Frontend it needs; a side that cannot take Rules is reported once per Ingress. */
function addRules(alb: AlbSettings, fts: Record<Side, SideFrontend>, plan: IngressPlan, rules: Rule[]): void {
  const blocked = new Set<Side>();
  for (const path of plan.paths) {
    for (const side of path.sides) {
      const ft = fts[side];
      if (ft.problem !== null) {
        blocked.add(side);
        continue;
      }
      rules.push(buildRule(alb, plan, path, ft));
      plan.served.add(side);
    }
  }
  for (const side of blocked) {
    const problem = fts[side].problem!;
    plan.report(
      problem.code === diagnosticCodes.frontendConflict ? 'error' : 'warning',
      problem.code,
      'spec.rules',
      `${problem.message}; paths that need ${side} get no ${side} Rule`,
    );
  }
}

function assemble(
  alb: AlbSettings,
  fts: Record<Side, SideFrontend>,
  plans: IngressPlan[],
  rules: Rule[],
  sink: DiagnosticSink,
): TranslateOutput {
  const byAge = [...plans].sort(olderFirst);
  // The oldest Ingress with Rules on a side names a Frontend created for it (Alauda: the first that needed it).
  const firstUser: Partial<Record<Side, IngressPlan>> = {};
  for (const side of sides) firstUser[side] = byAge.find((plan) => plan.served.has(side));

  // Default backends: per side, the oldest Ingress asking for it; the others wait for it to go away.
  const owners: Partial<Record<Side, DefaultBackendOwner>> = {};
  for (const plan of byAge) {
    const wanted = plan.defaultBackend;
    if (wanted === undefined) continue;
    for (const side of wanted.sides) {
      const ft = fts[side];
      if (ft.problem !== null) {
        plan.report(
          'warning',
          ft.problem.code,
          'spec.defaultBackend',
          `${ft.problem.message}; no ${side} default backend`,
        );
        continue;
      }
      const owner = owners[side];
      if (owner === undefined) {
        owners[side] = { namespace: plan.namespace, name: plan.name, plan: wanted };
        plan.served.add(side);
      } else
        plan.report(
          'warning',
          diagnosticCodes.defaultBackendConflict,
          'spec.defaultBackend',
          `the default backend of Frontend ${ft.name} is Ingress ${owner.namespace}/${owner.name}'s (created earlier); ` +
            'this one takes over when that one is gone',
        );
    }
  }

  // Frontends.
  const handledKeys = new Set(plans.map((plan) => `${plan.namespace}/${plan.name}`));
  const frontends: Frontend[] = [];
  const needed = (side: Side) => firstUser[side] !== undefined || owners[side] !== undefined;
  for (const side of sides) {
    const ft = fts[side];
    if (ft.problem !== null) continue;
    const sslRedirect = side === 'http' && alb.sslRedirect && needed('https') && fts.https.problem === null;
    if (ft.existing === undefined && !needed(side) && !sslRedirect) continue;
    const owner = owners[side];
    const first = firstUser[side];
    const { frontend, ownerRejected } = desiredFrontend(
      alb,
      ft,
      owner,
      first === undefined ? undefined : { namespace: first.namespace, name: first.name },
      alb.sslRedirect,
      (namespace, name) => handledKeys.has(`${namespace}/${name}`),
    );
    if (ownerRejected && owner !== undefined) {
      const plan = plans.find((p) => p.namespace === owner.namespace && p.name === owner.name)!;
      plan.served.delete(side);
      plan.report(
        'warning',
        diagnosticCodes.defaultBackendConflict,
        'spec.defaultBackend',
        `Frontend ${ft.name} already has a default backend that no Ingress set; it is kept`,
      );
    }
    frontends.push(frontend);
  }

  const status = plans.map((plan) =>
    ingressStatus(
      plan.namespace,
      plan.name,
      alb.addresses,
      sides.filter((s) => plan.served.has(s)).map((s) => fts[s].port),
    ),
  );
  return {
    frontends: byName(frontends),
    rules: byName(rules),
    diagnostics: sink.sorted(),
    ingressStatus: status,
  };
}

/** Sorted by metadata.name (names are unique). */
function byName<T extends { metadata: { name: string } }>(items: T[]): T[] {
  const keyed = items.map((item) => ({ key: item.metadata.name, item }));
  keyed.sort((a, b) => compare(a.key, b.key));
  return keyed.map((k) => k.item);
}

/** Oldest `creationTimestamp` first (RFC 3339 strings compare in time order; missing ones last), then by name. */
function olderFirst(a: IngressPlan, b: IngressPlan): number {
  const at = a.createdAt === '' ? '\uffff' : a.createdAt;
  const bt = b.createdAt === '' ? '\uffff' : b.createdAt;
  return compare(at, bt) || compare(a.namespace, b.namespace) || compare(a.name, b.name);
}
