import type { Balancer } from '../balancer/balancer.ts';
import type { ListenerConfig } from '../config.ts';
import type { CompileEnv } from '../proxy/port-state.ts';

/** nginx `stream` defaults as ALB sets them: connect 5 s, proxy_timeout 120 s. */
export const defaultStreamTimeouts = { connectMs: 5_000, idleMs: 120_000 };

/**
 * Everything a connection (TCP) or session (UDP) on one L4 port reads from the config, compiled. Read once when
 * the connection or session starts and kept to its end: a config change applies to new connections only, so an
 * established one is never cut (its endpoint drains when it leaves the config).
 */
export type StreamPortState = {
  readonly port: number;
  /** The default backend's group; null when there is none (connections are closed at once, counted as errors). */
  readonly balancer: Balancer | null;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly proxyProtocol: boolean;
  /** TCP keepalive idle time for client connections (0: the system's), null when off. */
  readonly keepaliveIdleMs: number | null;
  /** UDP: replies expected per client datagram, 0 for unlimited. */
  readonly udpResponses: number;
};

/** Compiles one `tcp` or `udp` listener's config; what does not apply to L4 is reported, never silently dropped. */
export function compileStreamPortState(config: ListenerConfig, env: CompileEnv): StreamPortState {
  const report = (rule: string, field: string, message: string) =>
    env.issues.push({ port: config.port, rule, field, message });
  for (const rule of config.rules)
    report(rule.name, 'rules', `${config.protocol} listeners route by port only; the rule is ignored`);
  const groupName = config.defaultBackend?.backendGroup ?? null;
  let balancer: Balancer | null = null;
  if (groupName !== null) {
    balancer = env.balancers.get(groupName) ?? null;
    if (balancer === null)
      report('(default backend)', 'defaultBackend.backendGroup', `no backend group named ${JSON.stringify(groupName)}`);
    else if (balancer.policy === 'cookie' || balancer.policy === 'header')
      report(
        '(default backend)',
        'defaultBackend.backendGroup',
        `${balancer.policy} affinity needs HTTP; ${config.protocol} connections are balanced round robin`,
      );
  }
  const stream = config.stream;
  const positive = (value: number | null | undefined, fallback: number, field: string): number => {
    if (value == null) return fallback;
    if (Number.isFinite(value) && value > 0) return value;
    report('(default backend)', `stream.${field}`, `must be a positive number of milliseconds, got ${value}`);
    return fallback;
  };
  const udpResponses = stream?.udpResponses ?? 0;
  if (!Number.isInteger(udpResponses) || udpResponses < 0)
    report('(default backend)', 'stream.udpResponses', `must be a whole number >= 0, got ${udpResponses}`);
  if (stream?.proxyProtocol != null && stream.proxyProtocol !== 'v2')
    report(
      '(default backend)',
      'stream.proxyProtocol',
      `must be "v2" or null, got ${JSON.stringify(stream.proxyProtocol)}`,
    );
  if (stream?.proxyProtocol === 'v2' && config.protocol === 'udp')
    report(
      '(default backend)',
      'stream.proxyProtocol',
      'PROXY protocol is sent on tcp listeners only; ignored for udp',
    );
  const keepalive = stream?.keepaliveIdleMs ?? null;
  if (keepalive !== null && !(Number.isFinite(keepalive) && keepalive >= 0))
    report('(default backend)', 'stream.keepaliveIdleMs', `must be >= 0 milliseconds, got ${keepalive}`);
  return {
    port: config.port,
    balancer,
    connectTimeoutMs: positive(stream?.connectTimeoutMs, defaultStreamTimeouts.connectMs, 'connectTimeoutMs'),
    idleTimeoutMs: positive(stream?.idleTimeoutMs, defaultStreamTimeouts.idleMs, 'idleTimeoutMs'),
    proxyProtocol: stream?.proxyProtocol === 'v2' && config.protocol === 'tcp',
    keepaliveIdleMs: keepalive !== null && Number.isFinite(keepalive) && keepalive >= 0 ? keepalive : null,
    udpResponses: Number.isInteger(udpResponses) && udpResponses > 0 ? udpResponses : 0,
  };
}
