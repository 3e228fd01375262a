import type {
  Alb2,
  Frontend,
  RedirectConfig as CrdRedirect,
  Rule,
  SharedConfig,
  TimeoutConfig as CrdTimeout,
} from '@alb/crd-types';
import { annotations, normalizeBackendProtocol } from '@alb/crd-types';
import type {
  RedirectConfig,
  RequestHeaderRewrite,
  ResponseHeaderRewrite,
  RouteConfig,
  TimeoutConfig,
} from '@alb/proxy-core';
import { diagnosticCodes, type Diagnostic } from '../diagnostics.ts';
import { authFor, type AuthObjects } from './auth-config.ts';
import { tracingFor } from './otel-config.ts';

export type RouteContext = {
  alb: Alb2 | null;
  frontend: Frontend;
  domain: string;
  owner: Diagnostic['object'];
  report: (d: Diagnostic) => void;
  /** Secrets and ConfigMaps auth configs name. */
  authObjects: AuthObjects;
};

/**
 * `annotations(domain)` once per domain: it builds ~20 key strings per call, and a 10k-Rule rebuild asked twice per
 * Rule (19 MB of garbage per rebuild, measured).
 */
const annotationKeysByDomain = new Map<string, ReturnType<typeof annotations>>();

function annotationKeys(domain: string): ReturnType<typeof annotations> {
  let keys = annotationKeysByDomain.get(domain);
  if (keys === undefined) annotationKeysByDomain.set(domain, (keys = annotations(domain)));
  return keys;
}

/**
 * What a Rule (or a Frontend's default backend, when `rule` is null) does with a request: ALB's fields and
 * annotations as data-plane actions. Returns null when the route must not be served: it needs a feature this data
 * plane lacks and serving it without would be unsafe (WAF).
 */
export function routeFor(rule: Rule | null, backendGroup: string | null, ctx: RouteContext): RouteConfig | null {
  const { frontend, alb, owner, report } = ctx;
  const spec = rule?.spec;
  const shared: Array<SharedConfig | undefined> = [rule?.spec.config, frontend.spec.config, alb?.spec?.config];
  const unsupported = (severity: 'error' | 'warning', field: string, message: string) =>
    report({ object: owner, severity, code: diagnosticCodes.unsupported, field, message });
  // Rule > Frontend > ALB2: the first one that sets a feature decides it.
  const authSetting = shared.find((c) => c?.auth !== undefined)?.auth;
  const auth =
    authSetting === undefined
      ? null
      : authFor(authSetting, ctx.authObjects, (severity, field, message) =>
          report({ object: owner, severity, code: diagnosticCodes.auth, field, message }),
        );
  const waf = shared.find((c) => c?.modsecurity !== undefined)?.modsecurity;
  if (waf?.enable === true) {
    unsupported(
      'error',
      'spec.config.modsecurity',
      'ModSecurity (WAF) is not implemented by this data plane yet; the route is not served rather than served unprotected',
    );
    return null;
  }
  const tracing = tracingFor(
    shared.map((c) => c?.otel),
    (severity, field, message) => report({ object: owner, severity, code: diagnosticCodes.otel, field, message }),
  );

  const protocolText = spec?.backendProtocol || frontend.spec.backendProtocol || '';
  const protocol = normalizeBackendProtocol(protocolText);
  // A grpc Frontend proxies every call over HTTP/2 (ALB's grpc_pass), whatever the backend protocol says; a grpc
  // backend behind an http or https Frontend is not supported.
  if (protocol === 'grpc' && frontend.spec.protocol !== 'grpc') {
    unsupported(
      'error',
      'spec.backendProtocol',
      'grpc backends are served by grpc Frontends only; on this Frontend the route is not served',
    );
    return null;
  }

  const route: RouteConfig = {
    backendGroup,
    backendProtocol: protocol === 'https' ? 'https' : 'http',
    redirect: redirectOf(rule, rule === null ? frontend.spec.config?.redirect : undefined),
    rewrite: spec?.rewrite_target
      ? { kind: 'regex', base: spec.rewrite_base || spec.url || '/', target: spec.rewrite_target }
      : null,
    vhost: spec?.vhost || null,
    requestHeaders:
      rule === null
        ? null
        : (headerRewrite(
            rule,
            annotationKeys(ctx.domain).rewriteRequest,
            'request',
            ctx,
          ) as RequestHeaderRewrite | null),
    responseHeaders:
      rule === null
        ? null
        : (headerRewrite(
            rule,
            annotationKeys(ctx.domain).rewriteResponse,
            'response',
            ctx,
          ) as ResponseHeaderRewrite | null),
    cors: spec?.enableCORS
      ? {
          allowOrigins: (spec.corsAllowOrigin ?? '')
            .split(',')
            .map((o) => o.trim())
            .filter((o) => o !== ''),
          allowHeaders: spec.corsAllowHeaders || null,
        }
      : null,
    timeouts: timeoutsOf(shared.map((c) => c?.timeout)),
    auth,
    tracing,
    source: spec?.source?.type
      ? { type: spec.source.type, namespace: spec.source.namespace ?? '', name: spec.source.name ?? '' }
      : null,
  };
  return route;
}

/** ALB: legacy `redirectURL`/`redirectCode` override `config.redirect`. */
function redirectOf(rule: Rule | null, frontendRedirect: CrdRedirect | undefined): RedirectConfig | null {
  const config = rule?.spec.config?.redirect ?? frontendRedirect;
  const legacyUrl = rule?.spec.redirectURL || undefined;
  const legacyCode = rule?.spec.redirectCode || undefined;
  if (config === undefined && legacyUrl === undefined) return null;
  const redirect: RedirectConfig = {
    code: legacyCode ?? (config?.code || null),
    url: legacyUrl ?? (config?.url || null),
    scheme: config?.scheme || null,
    host: config?.host || null,
    port: config?.port ?? null,
    prefixMatch: config?.prefix_match || null,
    replacePrefix: config?.replace_prefix ?? null,
  };
  // ALB's need(): a redirect with nothing set is no redirect.
  const wanted =
    redirect.url || redirect.prefixMatch || redirect.code || redirect.scheme || redirect.host || redirect.port != null;
  return wanted ? redirect : null;
}

function timeoutsOf(levels: Array<CrdTimeout | undefined>): TimeoutConfig | null {
  const pick = (field: keyof CrdTimeout) => levels.find((l) => l?.[field] !== undefined)?.[field] ?? null;
  const timeouts = {
    connectMs: pick('proxy_connect_timeout_ms'),
    sendMs: pick('proxy_send_timeout_ms'),
    readMs: pick('proxy_read_timeout_ms'),
  };
  return timeouts.connectMs === null && timeouts.sendMs === null && timeouts.readMs === null ? null : timeouts;
}

/** ALB's rewrite-request / rewrite-response annotations (JSON). Invalid JSON is reported and ignored, as ALB drops it. */
function headerRewrite(
  rule: Rule,
  key: string,
  which: 'request' | 'response',
  ctx: RouteContext,
): RequestHeaderRewrite | ResponseHeaderRewrite | null {
  const text = rule.metadata.annotations?.[key];
  if (text === undefined || text.trim() === '') return null;
  const field = `metadata.annotations["${key}"]`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    ctx.report({
      object: ctx.owner,
      severity: 'warning',
      code: diagnosticCodes.badAnnotation,
      field,
      message: `not valid JSON (${(error as Error).message}); the ${which} header rewrite is ignored`,
    });
    return null;
  }
  const problems: string[] = [];
  const object =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  if (object === null) problems.push('must be a JSON object');
  const stringMap = (name: string): Record<string, string> | undefined => {
    const v = object?.[name];
    if (v === undefined) return undefined;
    if (
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => typeof x === 'string')
    )
      return v as Record<string, string>;
    problems.push(`${name} must map header names to strings`);
    return undefined;
  };
  const listMap = (name: string): Record<string, string[]> | undefined => {
    const v = object?.[name];
    if (v === undefined) return undefined;
    if (
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => Array.isArray(x) && x.every((s) => typeof s === 'string'))
    )
      return v as Record<string, string[]>;
    problems.push(`${name} must map header names to lists of strings`);
    return undefined;
  };
  const list = (name: string): string[] | undefined => {
    const v = object?.[name];
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    problems.push(`${name} must be a list of header names`);
    return undefined;
  };
  const rewrite =
    which === 'request'
      ? {
          headers: stringMap('headers'),
          headersVar: stringMap('headers_var'),
          headersRemove: list('headers_remove'),
          headersAdd: listMap('headers_add'),
          headersAddVar: listMap('headers_add_var'),
        }
      : { headers: stringMap('headers'), headersRemove: list('headers_remove'), headersAdd: listMap('headers_add') };
  if (problems.length > 0) {
    ctx.report({
      object: ctx.owner,
      severity: 'warning',
      code: diagnosticCodes.badAnnotation,
      field,
      message: `${problems.join('; ')}; the ${which} header rewrite is ignored`,
    });
    return null;
  }
  return rewrite;
}
