import { RuleCompileCache } from '@alb/dslx';
import { Balancer } from './balancer/balancer.ts';
import { createEndpoint, targetKey, UpstreamTarget } from './balancer/endpoint.ts';
import type { DataPlaneConfig, ListenerConfig, ListenerProtocol } from './config.ts';
import { AlbError, ConfigError, errorCodes } from './errors.ts';
import { defaultLimits, type HttpLimits } from './http/limits.ts';
import { TrustedProxies } from './http/trusted-proxies.ts';
import { compileStreamPortState, type StreamPortState } from './l4/stream-state.ts';
import { TcpListener } from './l4/tcp-listener.ts';
import { UdpListener } from './l4/udp-listener.ts';
import { ListenerStats, snapshotStats, type StatsSnapshot } from './metrics.ts';
import { HttpListener } from './proxy/http-listener.ts';
import type { EngineSettings, Logger } from './proxy/listener-context.ts';
import type { PortListener } from './proxy/port-listener.ts';
import { compileHttpPortState, type CompileEnv, type HttpPortState } from './proxy/port-state.ts';
import type { PoolOptions } from './proxy/upstream-pool.ts';
import type { RouteIssue } from './router/route.ts';
import { HttpsListener } from './tls/https-listener.ts';
import { compileHttpsPortState, type HttpsPortState } from './tls/https-port-state.ts';
import { SecureContextStore } from './tls/secure-contexts.ts';
import { newTicketSecret } from './tls/ticket-keys.ts';
import { flushTracers, releaseUnusedTracers, tracingKeys } from './tracing/tracer-registry.ts';

export type EngineOptions = {
  /** Address the listeners bind to (default 0.0.0.0). */
  bind?: string;
  /** Share ports with other processes (SO_REUSEPORT); set by the worker pool. */
  reusePort?: boolean;
  limits?: Partial<HttpLimits>;
  upstreamPool?: Partial<PoolOptions>;
  failCooldownMs?: number;
  /** How long removed ports keep serving in-flight requests before their connections are closed. */
  drainTimeoutMs?: number;
  /**
   * Client connections one listener keeps open (per worker process); more are closed at once and counted in
   * `alb_http_connections_refused_total`, so idle connections cannot use up the process's file descriptors.
   * Default 10,000 (each proxied connection also holds an upstream descriptor: keep ports × this × 2 below
   * `ulimit -n`).
   */
  maxConnections?: number;
  logger?: Logger | null;
  accessLog?: Logger | null;
  /**
   * TLS session tickets: the secret their keys derive from (rotated hourly). Workers of one data plane share it so
   * a session resumes on any of them; `createDataPlane` makes one. Absent: a random secret for this engine.
   */
  tlsTicketSecret?: string;
};

/** What an apply did: rules left out (with why), ports now listening, ports that could not be opened. */
export type ApplyResult = {
  issues: RouteIssue[];
  listening: number[];
  failed: Array<{ port: number; error: string }>;
};

/**
 * How each listener protocol is compiled and served: `apply` compiles a port's config with `compile` (pure, may
 * report issues), then either swaps the result into the running listener of that port and protocol, or opens a
 * new one with `create`. A protocol plugs in here (TLS, HTTP/2, TCP and UDP next to `http`).
 */
type ListenerKind<State> = {
  compile(config: ListenerConfig, env: CompileEnv): State;
  create(port: number, stats: ListenerStats, settings: EngineSettings, state: State): PortListener<State>;
};

const listenerKinds: { readonly [P in ListenerProtocol]: ListenerKind<unknown> } = {
  http: {
    compile: compileHttpPortState,
    create: (port, stats, settings, state) => new HttpListener(port, stats, settings, state as HttpPortState),
  },
  https: {
    compile: compileHttpsPortState,
    create: (port, stats, settings, state) =>
      new HttpsListener(port, stats, settings, state as HttpsPortState, 'https'),
  },
  grpc: {
    compile: compileHttpsPortState,
    create: (port, stats, settings, state) => new HttpsListener(port, stats, settings, state as HttpsPortState, 'grpc'),
  },
  tcp: {
    compile: compileStreamPortState,
    create: (port, stats, settings, state) => new TcpListener(port, stats, settings, state as StreamPortState),
  },
  udp: {
    compile: compileStreamPortState,
    create: (port, stats, settings, state) => new UdpListener(port, stats, settings, state as StreamPortState),
  },
};

/** Client connections per listener and worker when `maxConnections` is not given. */
export const defaultMaxConnections = 10_000;

/**
 * The data plane in one process: listeners by port, shared upstream targets (pools + passive health), and the
 * apply that swaps it all. Level-triggered: every apply takes a whole config; what did not change keeps running
 * (open ports, pooled connections, counters), what changed is swapped in one assignment per port.
 */
export class Engine {
  private readonly listeners = new Map<number, PortListener>();
  private readonly statsByPort = new Map<number, ListenerStats>();
  /** Compiled dslx per port, reused by the next apply (most rules survive a config change). */
  private compileCaches = new Map<number, RuleCompileCache>();
  private targets = new Map<string, UpstreamTarget>();
  private readonly settings: EngineSettings;
  private readonly bind: string;
  private readonly reusePort: boolean;
  private readonly poolOptions: PoolOptions;
  private readonly drainTimeoutMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly draining = new Set<PortListener>();
  private readonly secureContexts = new SecureContextStore();
  private closed = false;

  constructor(options: EngineOptions = {}) {
    this.settings = {
      limits: { ...defaultLimits, ...options.limits },
      failCooldownMs: options.failCooldownMs ?? 10_000,
      maxConnections: options.maxConnections ?? defaultMaxConnections,
      accessLog: options.accessLog ?? null,
      logger: options.logger ?? null,
      tlsTicketSecret: options.tlsTicketSecret ?? newTicketSecret(),
    };
    this.bind = options.bind ?? '0.0.0.0';
    this.reusePort = options.reusePort ?? false;
    this.poolOptions = { maxIdle: 128, idleTimeoutMs: 60_000, ...options.upstreamPool };
    this.drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    // One coarse timer does every timeout (client header and idle, upstream connect/send/read, pool idle), so the
    // hot path never arms or clears a timer.
    this.sweeper = setInterval(() => this.sweep(), 100);
    this.sweeper.unref();
  }

  async apply(config: DataPlaneConfig): Promise<ApplyResult> {
    if (this.closed) throw new AlbError(errorCodes.closed, 'the data plane is closed');
    const problems = checkStructure(config);
    const { proxies: trusted, invalid } = TrustedProxies.parse(config.trustedProxies ?? []);
    for (const entry of invalid)
      problems.push(`trustedProxies: ${JSON.stringify(entry)} is not an IP address or CIDR block`);
    if (problems.length > 0) throw new ConfigError(problems);

    // Build everything first; nothing below can fail, so the swap is all or nothing.
    const targets = new Map<string, UpstreamTarget>();
    const balancers = new Map<string, Balancer>();
    for (const group of config.backendGroups) {
      const endpoints = group.endpoints.map((e) => {
        const key = targetKey(e.address, e.port);
        let target = targets.get(key) ?? this.targets.get(key);
        if (target === undefined) target = new UpstreamTarget(e.address, e.port, this.poolOptions);
        targets.set(key, target);
        return createEndpoint(target, e.weight);
      });
      balancers.set(group.name, new Balancer(group.policy, endpoints, group.affinityAttribute));
    }
    const issues: RouteIssue[] = [];
    const { served: certificates, failed: badCertificates } = this.secureContexts.update(config.certificates ?? []);
    for (const bad of badCertificates) {
      for (const l of config.listeners) {
        if (!usesCertificate(l, bad.name)) continue;
        const kept = certificates.has(bad.name) ? 'the previous revision keeps serving' : 'it is not served';
        issues.push({
          port: l.port,
          rule: '(tls)',
          field: `certificates[${JSON.stringify(bad.name)}]`,
          message: `certificate ${JSON.stringify(bad.name)} cannot be used (${bad.message}); ${kept}`,
        });
      }
    }
    const caches = new Map<number, RuleCompileCache>();
    const compiled = config.listeners.map((l) => {
      const cache = this.compileCaches.get(l.port) ?? new RuleCompileCache();
      caches.set(l.port, cache);
      const stats = this.statsFor(l.port);
      stats.protocol = l.protocol;
      const state = listenerKinds[l.protocol].compile(l, { balancers, trusted, stats, cache, issues, certificates });
      cache.prune();
      // Counters of rules that left the config go with them: series stay bounded by what is configured.
      stats.keepRoutes(new Set(l.rules.map((r) => r.name)));
      return { config: l, state };
    });
    this.compileCaches = caches;
    releaseUnusedTracers(tracingKeys(config));

    const opening: Array<{ port: number; listener: PortListener }> = [];
    const wanted = new Map<number, ListenerProtocol>();
    for (const { config: l } of compiled) wanted.set(l.port, l.protocol);
    // Ports that left the config, or now speak another protocol, stop accepting first (so the port is free).
    for (const [port, listener] of this.listeners) {
      if (wanted.get(port) !== listener.protocol) {
        this.listeners.delete(port);
        this.startDrain(listener);
      }
    }
    for (const { config: l, state } of compiled) {
      const existing = this.listeners.get(l.port);
      if (existing !== undefined) {
        existing.state = state; // the swap: requests from now on read the new state
        continue;
      }
      const listener = listenerKinds[l.protocol].create(l.port, this.statsFor(l.port), this.settings, state);
      this.listeners.set(l.port, listener);
      opening.push({ port: l.port, listener });
    }
    for (const [key, target] of this.targets) if (!targets.has(key)) target.close();
    this.targets = targets;

    const failed: ApplyResult['failed'] = [];
    await Promise.all(
      opening.map(async ({ port, listener }) => {
        try {
          await listener.listen(this.bind, this.reusePort);
        } catch (error) {
          this.listeners.delete(port);
          failed.push({ port, error: (error as Error).message });
        }
      }),
    );
    return { issues, listening: [...this.listeners.keys()].sort((a, b) => a - b), failed };
  }

  stats(): StatsSnapshot {
    return snapshotStats(
      [...this.listeners.values()].map((l) => l.stats).concat([...this.draining].map((l) => l.stats)),
    );
  }

  /** Stops accepting everywhere, lets in-flight requests finish (up to the drain timeout), then closes the rest. */
  async close(deadlineMs = this.drainTimeoutMs): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const listeners = [...this.listeners.values(), ...this.draining];
    this.listeners.clear();
    for (const listener of listeners) listener.drain();
    const until = Date.now() + deadlineMs;
    while (listeners.some((l) => l.connectionCount > 0) && Date.now() < until) await sleep(20);
    for (const listener of listeners) listener.destroyAll();
    for (const target of this.targets.values()) target.close();
    clearInterval(this.sweeper);
    await flushTracers();
  }

  private startDrain(listener: PortListener): void {
    listener.drain();
    this.draining.add(listener);
    const started = Date.now();
    const check = setInterval(() => {
      if (listener.connectionCount === 0 || Date.now() - started > this.drainTimeoutMs) {
        listener.destroyAll();
        this.draining.delete(listener);
        if (!this.listeners.has(listener.port)) this.statsByPort.delete(listener.port);
        clearInterval(check);
      }
    }, 100);
    check.unref();
  }

  private statsFor(port: number): ListenerStats {
    let stats = this.statsByPort.get(port);
    if (stats === undefined) this.statsByPort.set(port, (stats = new ListenerStats(port)));
    return stats;
  }

  private sweep(): void {
    const now = Date.now();
    for (const listener of this.listeners.values()) listener.sweep(now);
    for (const listener of this.draining) listener.sweep(now);
    for (const target of this.targets.values()) target.sweep(now);
  }
}

function checkStructure(config: DataPlaneConfig): string[] {
  const problems: string[] = [];
  const ports = new Set<number>();
  config.listeners.forEach((l, i) => {
    if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535)
      problems.push(`listeners[${i}].port: must be 1-65535, got ${l.port}`);
    else if (ports.has(l.port)) problems.push(`listeners[${i}].port: ${l.port} is listed twice`);
    ports.add(l.port);
    if (!Object.hasOwn(listenerKinds, l.protocol))
      problems.push(
        `listeners[${i}].protocol: ${JSON.stringify(l.protocol)} is not supported (${Object.keys(listenerKinds).join(', ')})`,
      );
  });
  const certificates = new Set<string>();
  (config.certificates ?? []).forEach((c, i) => {
    if (typeof c.name !== 'string' || c.name === '') problems.push(`certificates[${i}].name: must be a name`);
    else if (certificates.has(c.name))
      problems.push(`certificates[${i}].name: ${JSON.stringify(c.name)} is listed twice`);
    certificates.add(c.name);
    if (typeof c.cert !== 'string' || typeof c.key !== 'string')
      problems.push(`certificates[${i}]: cert and key must be PEM strings`);
  });
  const groups = new Set<string>();
  config.backendGroups.forEach((g, i) => {
    if (groups.has(g.name)) problems.push(`backendGroups[${i}].name: ${JSON.stringify(g.name)} is listed twice`);
    groups.add(g.name);
    g.endpoints.forEach((e, j) => {
      if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535)
        problems.push(`backendGroups[${i}].endpoints[${j}].port: must be 1-65535, got ${e.port}`);
      if (!(e.weight >= 0)) problems.push(`backendGroups[${i}].endpoints[${j}].weight: must be >= 0, got ${e.weight}`);
      if (typeof e.address !== 'string' || e.address === '')
        problems.push(`backendGroups[${i}].endpoints[${j}].address: must be an address`);
    });
  });
  return problems;
}

function usesCertificate(listener: ListenerConfig, name: string): boolean {
  const tls = listener.tls;
  if (tls == null) return false;
  return tls.portCertificate === name || tls.defaultCertificate === name || tls.sni.some((s) => s.certificate === name);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
