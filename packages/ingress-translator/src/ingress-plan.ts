// One handled Ingress -> what it asks for: a plan per path (match, backend, Frontend sides, annotation-derived
// settings) and its default backend. Frontends are decided later, across all Ingresses.
import type {
  AuthConfig,
  BackendProtocol,
  DslxTerm,
  ModsecurityConfig,
  OtelConfig,
  RedirectConfig,
  TimeoutConfig,
} from '@alb/crd-types';
import { ingressRulePriorityAnnotation } from '@alb/crd-types';
import type { AlbSettings } from './alb-settings.ts';
import type { AnnotationContext } from './annotation-context.ts';
import { parseAnnotation } from './annotation-context.ts';
import { parseInteger } from './annotation-values.ts';
import { authFromAnnotations } from './auth-annotations.ts';
import type { Report } from './diagnostics.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';
import { headerRewritesFromAnnotations } from './header-rewrite-annotations.ts';
import { IngressAnnotations } from './ingress-annotations.ts';
import type { HttpIngressPath, Ingress } from './kube-types.ts';
import { modsecurityFromAnnotations } from './modsecurity-annotations.ts';
import { otelFromAnnotations } from './otel-annotations.ts';
import { hostProblem, pathMatch } from './path-match.ts';
import { redirectFromAnnotations, redirectsToHttps } from './redirect-annotations.ts';
import type { RegexCheck } from './regex-check.ts';
import type { Routing } from './routing-annotations.ts';
import { backendProtocolFromAnnotation, routingFromAnnotations } from './routing-annotations.ts';
import type { ResolvedBackend, ServiceIndex } from './service-port.ts';
import { resolveBackend } from './service-port.ts';
import { timeoutFromAnnotations } from './timeout-annotations.ts';
import type { Side, TlsHosts } from './tls-hosts.ts';
import { tlsHosts } from './tls-hosts.ts';

export const defaultPriority = 5;

export type PathPlan = {
  r: number;
  p: number;
  /** Lower-case; '' = any host. */
  host: string;
  path: string;
  dslx: DslxTerm[];
  backend: ResolvedBackend;
  /** The Frontends this path wants (before disabled ports and unusable Frontends are taken out). */
  sides: Side[];
  /** For https Rules: `ns_secret` / `ns/secret`, or ''. */
  certificate: string;
  priority: number;
  routing: Routing;
  backendProtocol: BackendProtocol | undefined;
  timeout: TimeoutConfig | undefined;
  redirect: RedirectConfig | undefined;
  auth: AuthConfig | undefined;
  otel: OtelConfig | undefined;
  modsecurity: ModsecurityConfig | undefined;
  modsecuritySnippet: string | undefined;
  rewriteRequest: string | undefined;
  rewriteResponse: string | undefined;
};

export type DefaultBackendPlan = {
  backend: ResolvedBackend;
  backendProtocol: BackendProtocol | undefined;
  sides: Side[];
};

export type IngressPlan = {
  namespace: string;
  name: string;
  /** `creationTimestamp`, for handing a Frontend's default backend to the oldest Ingress. */
  createdAt: string;
  project: string;
  report: Report;
  paths: PathPlan[];
  defaultBackend: DefaultBackendPlan | undefined;
  /** The Frontends this Ingress got a Rule or its default backend on (filled in by the translation). */
  served: Set<Side>;
};

export type PlanContext = { alb: AlbSettings; services: ServiceIndex; checkRegex: RegexCheck };

export function planIngress(
  ingress: Ingress,
  namespace: string,
  project: string,
  ctx: PlanContext,
  report: Report,
): IngressPlan {
  const { alb } = ctx;
  const ann = new IngressAnnotations(ingress.metadata.annotations, alb.domain);
  ann.reportUnknown(report);
  const tls = tlsHosts(ingress, namespace, alb.domain, alb.sslStrategy, report);
  const plan: IngressPlan = {
    namespace,
    name: ingress.metadata.name,
    createdAt: typeof ingress.metadata.creationTimestamp === 'string' ? ingress.metadata.creationTimestamp : '',
    project,
    report,
    paths: [],
    defaultBackend: undefined,
    served: new Set(),
  };

  const rules = ingress.spec?.rules;
  if (rules != null && !Array.isArray(rules)) {
    report('error', diagnosticCodes.invalid, 'spec.rules', 'must be a list');
    return plan;
  }
  const defaultBackend = ingress.spec?.defaultBackend;
  if (defaultBackend !== undefined && defaultBackend !== null) {
    if (rules != null && rules.length > 0)
      report(
        'warning',
        diagnosticCodes.defaultBackendIgnored,
        'spec.defaultBackend',
        'a defaultBackend is only used from an Ingress without rules (it then becomes the Frontend default backend); ignored',
      );
    else {
      const backend = resolveBackend(defaultBackend, namespace, ctx.services, 'spec.defaultBackend', report);
      // Index -1: the indexed annotation prefixes name paths, never the default backend.
      const annCtx: AnnotationContext = { ann, r: -1, p: -1, namespace, report };
      if (backend !== null)
        plan.defaultBackend = {
          backend,
          backendProtocol: backendProtocolFromAnnotation(annCtx) ?? appProtocol(backend),
          sides: union(['http'], tls.plainSides),
        };
    }
  }

  (rules ?? []).forEach((rule, r) => {
    const host = typeof rule?.host === 'string' ? rule.host.toLowerCase() : '';
    const problem = hostProblem(host);
    if (problem !== null) {
      report('error', diagnosticCodes.badHost, `spec.rules[${r}].host`, `${problem}; its paths are not served`);
      return;
    }
    const http = rule?.http;
    if (http === undefined || http === null) return; // a rule without http configures nothing (as in ALB)
    if (!Array.isArray(http.paths)) {
      report('error', diagnosticCodes.invalid, `spec.rules[${r}].http.paths`, 'must be a list');
      return;
    }
    http.paths.forEach((item, p) => {
      const planned = planPath(item, r, p, host, tls, { ann, namespace, report, ctx });
      if (planned !== null) plan.paths.push(planned);
    });
  });
  return plan;
}

type PathScope = { ann: IngressAnnotations; namespace: string; report: Report; ctx: PlanContext };

/** One path of rule `r`: its match, backend, Frontend sides and annotation settings; null when it is not served. */
function planPath(
  item: HttpIngressPath,
  r: number,
  p: number,
  host: string,
  tls: TlsHosts,
  { ann, namespace, report, ctx }: PathScope,
): PathPlan | null {
  const cert = tls.certs.get(host);
  const field = `spec.rules[${r}].http.paths[${p}]`;
  const path = typeof item?.path === 'string' ? item.path : '';
  const match = pathMatch(host, path, item?.pathType, ctx.checkRegex);
  if (!match.ok) {
    report('error', diagnosticCodes.badPath, `${field}.${match.field}`, `${match.message}; the path is not served`);
    return null;
  }
  const backend = resolveBackend(item?.backend, namespace, ctx.services, `${field}.backend`, report);
  if (backend === null) return null;
  const annCtx: AnnotationContext = { ann, r, p, namespace, report };
  const auth = authFromAnnotations(annCtx);
  if (!auth.ok) return null;
  const redirect = redirectFromAnnotations(annCtx, cert !== undefined);
  const sides: Side[] =
    cert !== undefined ? (redirectsToHttps(redirect) ? ['http', 'https'] : ['https']) : tls.plainSides;
  const routing = routingFromAnnotations(annCtx);
  if (routing.rewriteTarget !== undefined && path !== '') {
    const regexProblem = ctx.checkRegex(path);
    if (regexProblem !== null) {
      const key = ann.get('rewrite-target', r, p)!.key;
      report(
        'warning',
        diagnosticCodes.badAnnotation,
        annotationField(key),
        `rewrite-target rewrites with the path as a regular expression, and this one is not usable ` +
          `(${regexProblem.message}); the rewrite is ignored`,
      );
      routing.rewriteTarget = undefined;
    }
  }
  const modsecurity = modsecurityFromAnnotations(annCtx);
  const rewrites = headerRewritesFromAnnotations(annCtx);
  return {
    r,
    p,
    host,
    path,
    dslx: match.dslx,
    backend,
    sides,
    certificate: cert ?? '',
    priority: priority(annCtx),
    routing,
    backendProtocol: routing.backendProtocol ?? appProtocol(backend),
    timeout: timeoutFromAnnotations(annCtx),
    redirect,
    auth: auth.auth,
    otel: otelFromAnnotations(annCtx),
    modsecurity: modsecurity?.modsecurity,
    modsecuritySnippet: modsecurity?.snippet,
    rewriteRequest: rewrites.request,
    rewriteResponse: rewrites.response,
  };
}

/** `alb.<domain>/ingress-rule-priority-<r>-<p>`: an integer; absent, 0 or bad means 5 (ALB's default). */
function priority(ctx: AnnotationContext): number {
  const found = ctx.ann.raw(ingressRulePriorityAnnotation(ctx.r, ctx.p, ctx.ann.domain));
  const value = parseAnnotation(ctx, found, parseInteger);
  return value === undefined || value === 0 ? defaultPriority : value;
}

/** A Service port with `appProtocol: https` is spoken to over TLS unless backend-protocol says otherwise. */
function appProtocol(backend: ResolvedBackend): BackendProtocol | undefined {
  return backend.appProtocol?.toLowerCase() === 'https' ? 'https' : undefined;
}

function union(a: Side[], b: Side[]): Side[] {
  return (['http', 'https'] as const).filter((s) => a.includes(s) || b.includes(s));
}
