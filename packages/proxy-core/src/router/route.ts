import { checkRegex, createRuleTable, type RuleCompileCache, type RuleTable } from '@alb/dslx';
import { compileCors, type Cors } from '../actions/cors.ts';
import {
  compileRequestHeaderRewrite,
  compileResponseHeaderRewrite,
  type HeaderRewrite,
} from '../actions/header-rewrite.ts';
import { compileRedirect, type Redirect } from '../actions/redirect.ts';
import { compileRewrite, type Rewrite } from '../actions/rewrite.ts';
import { compileAuth, withFieldsRemoved } from '../auth/compile-auth.ts';
import type { RouteAuth } from '../auth/route-auth.ts';
import type { Balancer } from '../balancer/balancer.ts';
import { compileTracing, traceContextFields, type RouteTracing } from '../tracing/request-trace.ts';
import type { ListenerConfig, RouteConfig, RuleConfig, TimeoutConfig } from '../config.ts';
import type { ListenerStats, RouteStats } from '../metrics.ts';
import { checkRouteHeads } from './check-route-heads.ts';
import { localAnswer, type LocalAnswer } from './local-answer.ts';

/** A rule's compiled behaviour: everything decided at config time, `null` for what it does not use. */
export type Route = {
  readonly kind: 'route';
  /** The rule name, or '' for the listener's default backend. */
  readonly name: string;
  readonly sourceLabel: string;
  readonly balancer: Balancer | null;
  readonly tls: boolean;
  readonly redirect: Redirect | null;
  readonly rewrite: Rewrite | null;
  readonly vhost: string | null;
  readonly requestHeaders: HeaderRewrite | null;
  readonly responseHeaders: HeaderRewrite | null;
  readonly cors: Cors | null;
  /** Checked before the upstream is contacted; null (the usual case) costs one comparison. */
  readonly auth: RouteAuth | null;
  /** Spans and `traceparent` for this route's requests; null (tracing off, the default) costs one comparison. */
  readonly tracing: RouteTracing | null;
  readonly connectTimeoutMs: number;
  readonly sendTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** This rule's counters (kept across config changes by rule name). */
  readonly stats: RouteStats;
  /** ALB's answer when the backend group has no endpoints (500 InvalidBalancer), made once. */
  readonly noBackends: LocalAnswer;
};

/** nginx's proxy timeout defaults, which ALB keeps (tweak http.conf): connect 5 s, send and read 120 s. */
export const defaultTimeouts = { connectMs: 5_000, sendMs: 120_000, readMs: 120_000 };

/** A problem found while compiling a listener; the rule it names is left out, the rest is served. */
export type RouteIssue = { port: number; rule: string; field: string; message: string };

/** What the rule table keeps per rule: what it orders and matches by, and the compiled route. */
export type RoutedRule = Pick<RuleConfig, 'name' | 'priority' | 'dslx'> & { readonly route: Route };

export type RoutingTable = {
  readonly rules: RuleTable<RoutedRule>;
  readonly defaultRoute: Route | null;
};

/**
 * Compiles a listener's rules and default backend. Rules with invalid DSLX or actions are skipped and reported;
 * the others are indexed by `@alb/dslx` in ALB's order.
 */
export function compileRoutingTable(
  listener: ListenerConfig,
  balancers: ReadonlyMap<string, Balancer>,
  stats: ListenerStats,
  issues: RouteIssue[],
  cache: RuleCompileCache,
): RoutingTable {
  const report = (rule: string, field: string, message: string) =>
    issues.push({ port: listener.port, rule, field, message });
  const entries: RoutedRule[] = [];
  for (const rule of listener.rules) {
    const route = compileRoute(rule.name, rule, listener.timeouts, balancers, stats, (field, message) =>
      report(rule.name, field, message),
    );
    // Only what the table needs: a copy of the whole rule would keep every config field of every rule alive.
    if (route !== null) entries.push({ name: rule.name, priority: rule.priority, dslx: rule.dslx, route });
  }
  const rules = createRuleTable(entries, { cache });
  for (const skipped of rules.skipped) {
    for (const issue of skipped.issues) report(skipped.name, issue.path, issue.message);
  }
  const defaultRoute =
    listener.defaultBackend === null
      ? null
      : compileRoute('', listener.defaultBackend, listener.timeouts, balancers, stats, (field, message) =>
          report('(default backend)', field, message),
        );
  return { rules, defaultRoute };
}

function compileRoute(
  name: string,
  config: RouteConfig,
  listenerTimeouts: TimeoutConfig | null | undefined,
  balancers: ReadonlyMap<string, Balancer>,
  stats: ListenerStats,
  report: (field: string, message: string) => void,
): Route | null {
  let ok = checkRouteHeads(config, report);
  if (config.rewrite?.kind === 'regex') {
    const problem = checkRegex(config.rewrite.base === '' ? '/' : config.rewrite.base);
    if (problem !== null) {
      report('rewrite.base', problem.message);
      ok = false;
    }
  }
  const auth = compileAuth(config.auth, report);
  if (!auth.ok) ok = false;
  const tracing = compileTracing(config.tracing);
  const removed = [...(auth.auth?.strippedRequestFields ?? []), ...(tracing === null ? [] : traceContextFields)];
  const requestHeaders = compileRequestHeaderRewrite(withFieldsRemoved(config.requestHeaders, removed), (variable) => {
    report('requestHeaders', `unknown variable ${JSON.stringify(variable)}`);
    ok = false;
  });
  let balancer: Balancer | null = null;
  if (config.backendGroup !== null) {
    balancer = balancers.get(config.backendGroup) ?? null;
    if (balancer === null) report('backendGroup', `no backend group named ${JSON.stringify(config.backendGroup)}`);
    else if (balancer.problem !== null) {
      report('backendGroup', balancer.problem);
      ok = false;
    }
  }
  if (!ok) return null;
  const timeouts = { ...defaultTimeouts, ...definedOnly(listenerTimeouts), ...definedOnly(config.timeouts) };
  const source = config.source;
  const route: { -readonly [K in keyof Route]: Route[K] } = {
    kind: 'route',
    name,
    sourceLabel: source ? `${source.type}/${source.namespace}/${source.name}` : '',
    balancer,
    tls: config.backendProtocol === 'https',
    redirect: compileRedirect(config.redirect),
    rewrite: compileRewrite(config.rewrite),
    vhost: config.vhost || null,
    requestHeaders,
    responseHeaders: compileResponseHeaderRewrite(config.responseHeaders),
    cors: compileCors(config.cors),
    auth: auth.auth,
    tracing,
    connectTimeoutMs: timeouts.connectMs,
    sendTimeoutMs: timeouts.sendMs,
    readTimeoutMs: timeouts.readMs,
    stats: stats.forRoute(name),
    noBackends: unsetAnswer,
  };
  route.noBackends = localAnswer(500, 'InvalidBalancer : no valid backends', null, route);
  return route;
}

/** Replaced before the route is used; keeps the object's shape fixed from its creation. */
const unsetAnswer = localAnswer(500, null, null, null);

function definedOnly(timeouts: TimeoutConfig | null | undefined): Partial<typeof defaultTimeouts> {
  const out: Partial<typeof defaultTimeouts> = {};
  if (timeouts?.connectMs != null) out.connectMs = timeouts.connectMs;
  if (timeouts?.sendMs != null) out.sendMs = timeouts.sendMs;
  if (timeouts?.readMs != null) out.readMs = timeouts.readMs;
  return out;
}
