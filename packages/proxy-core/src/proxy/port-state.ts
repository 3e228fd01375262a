import type { RuleCompileCache } from '@alb/dslx';
import type { Balancer } from '../balancer/balancer.ts';
import type { ListenerConfig } from '../config.ts';
import type { TrustedProxies } from '../http/trusted-proxies.ts';
import type { ListenerStats } from '../metrics.ts';
import type { ServedCertificate } from '../tls/secure-contexts.ts';
import { compileRoutingTable, type RouteIssue, type RoutingTable } from '../router/route.ts';

/** Client-side keep-alive of one port. */
export type KeepaliveSettings = {
  readonly timeoutMs: number;
  readonly headerTimeoutMs: number;
  readonly requests: number;
};

/** nginx defaults: keepalive_timeout 75 s, client_header_timeout 60 s, keepalive_requests 1000. */
export const defaultKeepalive: KeepaliveSettings = { timeoutMs: 75_000, headerTimeoutMs: 60_000, requests: 1000 };

/**
 * Everything a request on one HTTP port reads from the config, compiled. `apply` builds a new one for every port
 * and swaps it in with one assignment (`listener.state = next`); a request reads `listener.state` once, when its
 * head is complete, and uses that object to its end. Nothing in it changes after it is built, so a config swap
 * mid-request cannot mix two configs in one exchange.
 */
export type HttpPortState = RoutingTable & {
  readonly port: number;
  readonly keepalive: KeepaliveSettings;
  /** Peers whose X-Forwarded-* are believed; null (the usual case) costs one comparison. */
  readonly trusted: TrustedProxies | null;
};

/** What compiling a listener may use: shared by every protocol's compile step. */
export type CompileEnv = {
  readonly balancers: ReadonlyMap<string, Balancer>;
  readonly trusted: TrustedProxies | null;
  /** The port's counters (rules keep theirs across config changes by name). */
  readonly stats: ListenerStats;
  /** Compiled dslx of the previous apply, reused for rules that did not change. */
  readonly cache: RuleCompileCache;
  /** Problems go here; the rule they name is left out. */
  readonly issues: RouteIssue[];
  /** Certificates by name, for TLS listeners (none when absent). */
  readonly certificates?: ReadonlyMap<string, ServedCertificate>;
};

/** Compiles one `http` listener's config into its port state. */
export function compileHttpPortState(config: ListenerConfig, env: CompileEnv): HttpPortState {
  const routing = compileRoutingTable(config, env.balancers, env.stats, env.issues, env.cache);
  const k = config.keepalive;
  return {
    port: config.port,
    rules: routing.rules,
    defaultRoute: routing.defaultRoute,
    keepalive: {
      timeoutMs: k?.timeoutMs ?? defaultKeepalive.timeoutMs,
      headerTimeoutMs: k?.headerTimeoutMs ?? defaultKeepalive.headerTimeoutMs,
      requests: k?.requests ?? defaultKeepalive.requests,
    },
    trusted: env.trusted,
  };
}
