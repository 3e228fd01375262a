// One path of one Ingress on one Frontend -> a complete Rule (Alauda ALB: ingress/ingress_sync.go GenerateRule).
import type { Rule, RuleConfig, RuleSpec } from '@alb/crd-types';
import { labelValue } from '@alb/crd-types';
import type { AlbSettings } from './alb-settings.ts';
import type { SideFrontend } from './frontends.ts';
import type { IngressPlan, PathPlan } from './ingress-plan.ts';
import { searchableDsl } from './path-match.ts';
import { onlyUpgradesToHttps } from './redirect-annotations.ts';
import { ruleName } from './rule-name.ts';

export function buildRule(alb: AlbSettings, ingress: IngressPlan, path: PathPlan, ft: SideFrontend): Rule {
  const { labelKeys, annotationKeys } = alb;
  const ruleLabels: Record<string, string> = {
    [labelKeys.name]: alb.name,
    [labelKeys.frontend]: ft.name,
    [labelKeys.sourceType]: 'ingress',
    [labelKeys.sourceName]: labelValue(ingress.name),
    [labelKeys.sourceNs]: labelValue(ingress.namespace),
    [labelKeys.sourceIndex]: `${path.r}-${path.p}`,
  };
  if (ingress.project !== '') ruleLabels[labelKeys.project] = ingress.project;
  const ruleAnnotations: Record<string, string> = {
    [annotationKeys.sourceIngressRuleIndex]: String(path.r),
    [annotationKeys.sourceIngressPathIndex]: String(path.p),
  };
  if (path.rewriteRequest !== undefined) ruleAnnotations[annotationKeys.rewriteRequest] = path.rewriteRequest;
  if (path.rewriteResponse !== undefined) ruleAnnotations[annotationKeys.rewriteResponse] = path.rewriteResponse;
  if (path.modsecuritySnippet !== undefined)
    ruleAnnotations[annotationKeys.modsecuritySnippet] = path.modsecuritySnippet;

  // Fresh copies: the http and https Rules of a path must not share objects (callers may mutate one).
  const dslx = path.dslx.map((term) => ({ ...term, values: term.values.map((row) => [...row]) }));
  const spec: RuleSpec = { priority: path.priority, dslx, dsl: searchableDsl(dslx) };
  if (path.host !== '') spec.domain = path.host;
  if (ft.side === 'https' && path.certificate !== '') spec.certificate_name = path.certificate;
  if (path.path !== '') {
    spec.url = path.path;
    spec.rewrite_base = path.path;
  }
  const { routing } = path;
  if (routing.rewriteTarget !== undefined) spec.rewrite_target = routing.rewriteTarget;
  if (path.backendProtocol !== undefined) spec.backendProtocol = path.backendProtocol;
  if (routing.vhost !== undefined) spec.vhost = routing.vhost;
  if (routing.enableCors) spec.enableCORS = true;
  if (routing.corsAllowHeaders !== undefined) spec.corsAllowHeaders = routing.corsAllowHeaders;
  if (routing.corsAllowOrigin !== undefined) spec.corsAllowOrigin = routing.corsAllowOrigin;
  spec.description = `${ingress.namespace}/${ingress.name}:${ft.port}:${path.p}`;
  spec.serviceGroup = {
    services: [{ name: path.backend.name, namespace: ingress.namespace, port: path.backend.port, weight: 100 }],
  };
  spec.source = { type: 'ingress', namespace: ingress.namespace, name: ingress.name };

  const config: RuleConfig = {};
  if (path.timeout !== undefined) config.timeout = path.timeout;
  if (path.redirect !== undefined && !(ft.side === 'https' && onlyUpgradesToHttps(path.redirect, ft.port)))
    config.redirect = path.redirect;
  if (path.auth !== undefined) config.auth = path.auth;
  if (path.otel !== undefined) config.otel = path.otel;
  if (path.modsecurity !== undefined) config.modsecurity = path.modsecurity;
  if (Object.keys(config).length > 0) spec.config = copyJson(config);

  const rule: Rule = {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Rule',
    metadata: {
      name: ruleName(ft.name, ingress.namespace, ingress.name, path.r, path.p, path.host, path.path),
      namespace: alb.namespace,
      labels: ruleLabels,
      annotations: ruleAnnotations,
    },
    spec,
  };
  const uid = ft.existing?.metadata.uid;
  if (uid !== undefined)
    rule.metadata.ownerReferences = [{ apiVersion: 'crd.alauda.io/v1', kind: 'Frontend', name: ft.name, uid }];
  return rule;
}

/** A deep copy of plain JSON data (faster than structuredClone for these small objects). */
function copyJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyJson) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = copyJson(item);
  return out as T;
}
