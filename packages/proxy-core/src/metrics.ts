/**
 * Counters kept per listener without building label strings per request: each rule's route holds its own
 * `RouteStats`, which survive config changes by rule name. Rendered in the Prometheus text format on demand, and
 * as plain data to merge the workers' numbers.
 */
import type { ListenerProtocol } from './config.ts';

export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class RouteStats {
  /**
   * Responses by status code; made on the first response: most rules of a large config never answer one, and an
   * empty Map costs ~200 bytes per rule.
   */
  byStatus: Map<number, number> | null = null;

  count(status: number): void {
    const byStatus = (this.byStatus ??= new Map());
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
}

export class Histogram {
  readonly counts = new Float64Array(latencyBuckets.length + 1);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    let i = 0;
    while (i < latencyBuckets.length && seconds > latencyBuckets[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

export class ListenerStats {
  readonly port: number;
  /** The protocol the port serves (set on every apply); L4 ports get their own metric families. */
  protocol: ListenerProtocol = 'http';
  readonly routes = new Map<string, RouteStats>();
  readonly upstreamLatency = new Histogram();
  activeConnections = 0;
  upstreamErrors = 0;
  /** Connections closed at once because the listener had `maxConnections` open. */
  refusedConnections = 0;
  /** Header values (or names) not written into a head because they would carry CR, LF, NUL or another control. */
  unsafeHeaderValues = 0;
  /** L4: client connections accepted (tcp) or sessions started (udp); `activeConnections` counts the open ones. */
  connectionsTotal = 0;
  /** L4: bytes read from clients (forwarded upstream) and written to them. */
  bytesReceived = 0;
  bytesSent = 0;
  /** UDP: sessions closed early because the listener had `maxConnections` sessions (the least recently used goes). */
  sessionsEvicted = 0;

  constructor(port: number) {
    this.port = port;
  }

  forRoute(name: string): RouteStats {
    let stats = this.routes.get(name);
    if (stats === undefined) this.routes.set(name, (stats = new RouteStats()));
    return stats;
  }

  /** Forgets the counters of rules no longer configured (`''`, the default backend and refusals, stays). */
  keepRoutes(names: ReadonlySet<string>): void {
    for (const name of this.routes.keys()) if (name !== '' && !names.has(name)) this.routes.delete(name);
  }
}

/** Plain numbers of one engine, mergeable across workers. */
export type StatsSnapshot = {
  listeners: Array<{
    port: number;
    activeConnections: number;
    upstreamErrors: number;
    refusedConnections: number;
    unsafeHeaderValues: number;
    protocol: ListenerProtocol;
    connectionsTotal: number;
    bytesReceived: number;
    bytesSent: number;
    sessionsEvicted: number;
    requests: Array<{ rule: string; status: number; count: number }>;
    latency: { buckets: number[]; sum: number; count: number };
  }>;
};

export function snapshotStats(listeners: Iterable<ListenerStats>): StatsSnapshot {
  const out: StatsSnapshot = { listeners: [] };
  for (const l of listeners) {
    const requests: StatsSnapshot['listeners'][number]['requests'] = [];
    for (const [rule, stats] of l.routes)
      for (const [status, count] of stats.byStatus ?? []) requests.push({ rule, status, count });
    out.listeners.push({
      port: l.port,
      activeConnections: l.activeConnections,
      upstreamErrors: l.upstreamErrors,
      refusedConnections: l.refusedConnections,
      unsafeHeaderValues: l.unsafeHeaderValues,
      protocol: l.protocol,
      connectionsTotal: l.connectionsTotal,
      bytesReceived: l.bytesReceived,
      bytesSent: l.bytesSent,
      sessionsEvicted: l.sessionsEvicted,
      requests,
      latency: { buckets: [...l.upstreamLatency.counts], sum: l.upstreamLatency.sum, count: l.upstreamLatency.count },
    });
  }
  return out;
}

export function mergeStats(snapshots: StatsSnapshot[]): StatsSnapshot {
  const byPort = new Map<number, StatsSnapshot['listeners'][number]>();
  // rule + status -> merged row, per port: merging stays linear in the number of series.
  const rows = new Map<number, Map<string, { rule: string; status: number; count: number }>>();
  for (const snapshot of snapshots) {
    for (const l of snapshot.listeners) {
      let merged = byPort.get(l.port);
      if (merged === undefined) {
        merged = {
          port: l.port,
          activeConnections: 0,
          upstreamErrors: 0,
          refusedConnections: 0,
          unsafeHeaderValues: 0,
          protocol: l.protocol,
          connectionsTotal: 0,
          bytesReceived: 0,
          bytesSent: 0,
          sessionsEvicted: 0,
          requests: [],
          latency: { buckets: latencyBuckets.map(() => 0).concat(0), sum: 0, count: 0 },
        };
        byPort.set(l.port, merged);
        rows.set(l.port, new Map());
      }
      merged.activeConnections += l.activeConnections;
      merged.upstreamErrors += l.upstreamErrors;
      merged.refusedConnections += l.refusedConnections;
      merged.unsafeHeaderValues += l.unsafeHeaderValues;
      merged.connectionsTotal += l.connectionsTotal;
      merged.bytesReceived += l.bytesReceived;
      merged.bytesSent += l.bytesSent;
      merged.sessionsEvicted += l.sessionsEvicted;
      const portRows = rows.get(l.port)!;
      for (const r of l.requests) {
        const key = `${r.status} ${r.rule}`;
        const existing = portRows.get(key);
        if (existing !== undefined) existing.count += r.count;
        else {
          const row = { ...r };
          portRows.set(key, row);
          merged.requests.push(row);
        }
      }
      l.latency.buckets.forEach((v, i) => (merged.latency.buckets[i]! += v));
      merged.latency.sum += l.latency.sum;
      merged.latency.count += l.latency.count;
    }
  }
  return { listeners: [...byPort.values()].sort((a, b) => a.port - b.port) };
}

/** Prometheus text exposition (version 0.0.4) of a snapshot. */
export function renderPrometheus(all: StatsSnapshot): string {
  const stats = { listeners: all.listeners.filter((l) => !isStream(l.protocol)) };
  const lines: string[] = [];
  lines.push('# HELP alb_http_requests_total HTTP responses sent, by listener port, rule and status.');
  lines.push('# TYPE alb_http_requests_total counter');
  for (const l of stats.listeners) {
    const sorted = [...l.requests].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.status - b.status));
    for (const r of sorted)
      lines.push(
        `alb_http_requests_total{port="${l.port}",rule="${escapeLabel(r.rule)}",status="${r.status}"} ${r.count}`,
      );
  }
  lines.push('# HELP alb_http_upstream_duration_seconds Time from sending a request upstream to its response head.');
  lines.push('# TYPE alb_http_upstream_duration_seconds histogram');
  for (const l of stats.listeners) {
    let cumulative = 0;
    latencyBuckets.forEach((le, i) => {
      cumulative += l.latency.buckets[i]!;
      lines.push(`alb_http_upstream_duration_seconds_bucket{port="${l.port}",le="${le}"} ${cumulative}`);
    });
    lines.push(`alb_http_upstream_duration_seconds_bucket{port="${l.port}",le="+Inf"} ${l.latency.count}`);
    lines.push(`alb_http_upstream_duration_seconds_sum{port="${l.port}"} ${l.latency.sum}`);
    lines.push(`alb_http_upstream_duration_seconds_count{port="${l.port}"} ${l.latency.count}`);
  }
  lines.push('# HELP alb_http_connections_active Client connections open now.');
  lines.push('# TYPE alb_http_connections_active gauge');
  for (const l of stats.listeners) lines.push(`alb_http_connections_active{port="${l.port}"} ${l.activeConnections}`);
  lines.push('# HELP alb_http_upstream_errors_total Upstream connections that failed (refused, reset, timed out).');
  lines.push('# TYPE alb_http_upstream_errors_total counter');
  for (const l of stats.listeners) lines.push(`alb_http_upstream_errors_total{port="${l.port}"} ${l.upstreamErrors}`);
  lines.push(
    '# HELP alb_http_connections_refused_total Client connections closed at once because the listener was at maxConnections.',
  );
  lines.push('# TYPE alb_http_connections_refused_total counter');
  for (const l of stats.listeners)
    lines.push(`alb_http_connections_refused_total{port="${l.port}"} ${l.refusedConnections}`);
  lines.push(
    '# HELP alb_http_unsafe_header_values_total Header values not written because they would carry CR, LF, NUL or another control character.',
  );
  lines.push('# TYPE alb_http_unsafe_header_values_total counter');
  for (const l of stats.listeners)
    lines.push(`alb_http_unsafe_header_values_total{port="${l.port}"} ${l.unsafeHeaderValues}`);
  renderStreamMetrics(
    all.listeners.filter((l) => isStream(l.protocol)),
    lines,
  );
  return lines.join('\n') + '\n';
}

function isStream(protocol: ListenerProtocol): boolean {
  return protocol === 'tcp' || protocol === 'udp';
}

/** The L4 (`tcp`, `udp`) ports' families, labelled by port and protocol. */
function renderStreamMetrics(listeners: StatsSnapshot['listeners'], lines: string[]): void {
  const family = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    value: (l: StatsSnapshot['listeners'][number]) => number,
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const l of listeners) lines.push(`${name}{port="${l.port}",protocol="${l.protocol}"} ${value(l)}`);
  };
  family('alb_l4_connections_active', 'gauge', 'TCP connections or UDP sessions open now.', (l) => l.activeConnections);
  family(
    'alb_l4_connections_total',
    'counter',
    'TCP connections accepted or UDP sessions started.',
    (l) => l.connectionsTotal,
  );
  family('alb_l4_received_bytes_total', 'counter', 'Bytes received from clients.', (l) => l.bytesReceived);
  family('alb_l4_sent_bytes_total', 'counter', 'Bytes sent to clients.', (l) => l.bytesSent);
  family(
    'alb_l4_upstream_errors_total',
    'counter',
    'Upstream connects that failed or timed out, upstream resets, and connections with no endpoint to go to.',
    (l) => l.upstreamErrors,
  );
  family(
    'alb_l4_connections_refused_total',
    'counter',
    'TCP connections closed at once because the listener was at maxConnections.',
    (l) => l.refusedConnections,
  );
  family(
    'alb_l4_udp_sessions_evicted_total',
    'counter',
    'UDP sessions closed early to make room for a new client (the listener was at maxConnections).',
    (l) => l.sessionsEvicted,
  );
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
