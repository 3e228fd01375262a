import { formatRatio } from '../report.ts';
import { median, ratio } from '../stats.ts';

export const l4Proxies = ['nginx', 'haproxy', 'alb'] as const;
export type L4Proxy = (typeof l4Proxies)[number];

/** What is measured; `haproxy: false` where haproxy cannot take part (it does not proxy UDP). */
export const l4Metrics = [
  { key: 'bulk', label: 'TCP bulk, 1 connection (iperf3)', unit: 'Gbit/s', target: 0.9, haproxy: true },
  {
    key: 'connections',
    label: 'TCP short connections (redis-benchmark -k 0)',
    unit: 'conn/s',
    target: 0.7,
    haproxy: true,
  },
  { key: 'redis-set', label: 'redis-benchmark SET', unit: 'ops/s', target: 0.8, haproxy: true },
  { key: 'redis-get', label: 'redis-benchmark GET', unit: 'ops/s', target: 0.8, haproxy: true },
  { key: 'udp', label: 'UDP DNS queries (dnsperf -> dnsmasq)', unit: 'q/s', target: 0.5, haproxy: false },
] as const;
export type L4MetricKey = (typeof l4Metrics)[number]['key'];

export type L4Record = { round: number; proxy: L4Proxy; metric: L4MetricKey; value: number };

export type L4Row = {
  metric: L4MetricKey;
  label: string;
  unit: string;
  medians: Record<L4Proxy, number | null>;
  albVsNginx: number | null;
  albVsHaproxy: number | null;
  target: number;
  met: boolean;
};

/** Medians per proxy and metric over the rounds, ALB's ratios, and whether each target is met. */
export function summarizeL4(records: readonly L4Record[]): L4Row[] {
  return l4Metrics.map((m) => {
    const medianOf = (proxy: L4Proxy) => {
      const values = records.filter((r) => r.metric === m.key && r.proxy === proxy).map((r) => r.value);
      return values.length === 0 ? null : median(values);
    };
    const medians = { nginx: medianOf('nginx'), haproxy: medianOf('haproxy'), alb: medianOf('alb') };
    const albVsNginx = medians.alb === null ? null : ratio(medians.alb, medians.nginx);
    const albVsHaproxy = medians.alb === null ? null : ratio(medians.alb, medians.haproxy);
    return {
      metric: m.key,
      label: m.label,
      unit: m.unit,
      medians,
      albVsNginx,
      albVsHaproxy,
      target: m.target,
      met: albVsNginx !== null && albVsNginx >= m.target,
    };
  });
}

const columns = ['metric', 'unit', 'nginx', 'haproxy', 'alb', 'alb vs nginx', 'alb vs haproxy', 'target'];

/** The markdown table (padded for terminals) and one met/MISS line per target. */
export function renderL4Report(rows: readonly L4Row[], header: readonly string[]): string {
  const value = (v: number | null, unit: string) =>
    v === null ? 'n/a' : unit === 'Gbit/s' ? (v / 1e9).toFixed(2) : Math.round(v).toLocaleString('en-US');
  const cells = rows.map((r) => [
    r.label,
    r.unit,
    value(r.medians.nginx, r.unit),
    value(r.medians.haproxy, r.unit),
    value(r.medians.alb, r.unit),
    r.albVsNginx === null ? 'n/a' : formatRatio(r.albVsNginx),
    r.albVsHaproxy === null ? 'n/a' : formatRatio(r.albVsHaproxy),
    `>= ${r.target.toFixed(1)}x nginx`,
  ]);
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (i >= 2 && i <= 6 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i >= 2 && i <= 6 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  const out = [...header, ...(header.length > 0 ? [''] : []), line(columns), rule, ...cells.map(line), ''];
  out.push('Targets (ALB vs nginx, medians):', '');
  for (const r of rows)
    out.push(
      `- ${r.met ? 'met ' : 'MISS'} ${r.label}: ${r.albVsNginx === null ? 'n/a' : formatRatio(r.albVsNginx)} (want >= ${r.target.toFixed(1)}x)`,
    );
  return out.join('\n') + '\n';
}
