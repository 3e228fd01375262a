import { median, ratio } from './stats.ts';
import type { WrkResult } from './wrk-output.ts';
import { bodies, multiWorkerPairs, nodePeers, proxyNames, type BodyKind, type ProxyName } from './workload.ts';

/** RSS bound of one ALB worker under load with 1000 rules. */
export const albRssTargetKiB = 100 * 1024;

/** One measured wrk run of one proxy for one body. */
export type RunRecord = {
  round: number;
  proxy: ProxyName;
  body: BodyKind;
  wrk: WrkResult;
  /** Resident memory of the proxy's processes right after the run (master and worker summed), KiB. */
  rssKiB: number;
  /** CPU time of the proxy's processes during the run per request, µs (null when not measured). */
  cpuUsPerRequest: { user: number; sys: number } | null;
};

/** Medians over the rounds of one proxy and body, and its ratios to nginx for the same body. */
export type SummaryRow = {
  proxy: ProxyName;
  body: BodyKind;
  runs: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  rssKiB: number;
  /** Medians of the CPU µs per request (user, system); null when no run measured them. */
  userUs: number | null;
  sysUs: number | null;
  /** Ratios to the nginx with as many workers (`nginx` for one-worker proxies, `nginx-2w` for `alb-2w`). */
  rpsVsNginx: number | null;
  p99VsNginx: number | null;
  /** Totals over the rounds: responses outside 2xx/3xx and socket errors as wrk counts them. */
  non2xx: number;
  socketErrors: number;
};

export type TargetCheck = {
  body: BodyKind;
  /** What is compared, e.g. `ALB req/s vs nginx`. */
  name: string;
  /** The bound, e.g. `>= 0.8x`. */
  want: string;
  value: number | null;
  met: boolean;
};

export type Summary = { rows: SummaryRow[]; targets: TargetCheck[] };

/** Reduces the runs to per-proxy medians, ratios to nginx and the targets (ratios, ALB RSS, 10k vs 1k rules) per body. */
export function summarize(runs: readonly RunRecord[]): Summary {
  const rows: SummaryRow[] = [];
  const targets: TargetCheck[] = [];
  for (const body of bodies) {
    const forBody: SummaryRow[] = [];
    for (const proxy of proxyNames) {
      const own = runs.filter((r) => r.proxy === proxy && r.body === body.kind);
      if (own.length === 0) continue;
      forBody.push({
        proxy,
        body: body.kind,
        runs: own.length,
        requestsPerSec: median(own.map((r) => r.wrk.requestsPerSec)),
        p50Ms: median(own.map((r) => r.wrk.p50Ms)),
        p99Ms: median(own.map((r) => r.wrk.p99Ms)),
        rssKiB: median(own.map((r) => r.rssKiB)),
        userUs: medianOrNull(own.map((r) => r.cpuUsPerRequest?.user)),
        sysUs: medianOrNull(own.map((r) => r.cpuUsPerRequest?.sys)),
        rpsVsNginx: null,
        p99VsNginx: null,
        non2xx: sum(own.map((r) => r.wrk.non2xx)),
        socketErrors: sum(own.map((r) => Object.values(r.wrk.socketErrors).reduce((a, b) => a + b, 0))),
      });
    }
    for (const row of forBody) {
      const nginx = forBody.find((r) => r.proxy === nginxReferenceOf(row.proxy));
      row.rpsVsNginx = ratio(row.requestsPerSec, nginx?.requestsPerSec);
      row.p99VsNginx = ratio(row.p99Ms, nginx?.p99Ms);
    }
    rows.push(...forBody);
    const alb = forBody.find((r) => r.proxy === 'alb');
    const peers = forBody.filter((r) => nodePeers.includes(r.proxy)).map((r) => r.requestsPerSec);
    const bestPeer = peers.length === 0 ? null : Math.max(...peers);
    const rpsVsNginx = alb?.rpsVsNginx ?? null;
    const rpsVsPeer = alb === undefined ? null : ratio(alb.requestsPerSec, bestPeer);
    const p99VsNginx = alb?.p99VsNginx ?? null;
    targets.push(
      {
        body: body.kind,
        name: 'ALB req/s vs nginx',
        want: '>= 0.8x',
        value: rpsVsNginx,
        met: atLeast(rpsVsNginx, 0.8),
      },
      {
        body: body.kind,
        name: 'ALB req/s vs best Node peer',
        want: '>= 2x',
        value: rpsVsPeer,
        met: atLeast(rpsVsPeer, 2),
      },
      { body: body.kind, name: 'ALB p99 vs nginx', want: '<= 1.5x', value: p99VsNginx, met: atMost(p99VsNginx, 1.5) },
    );
    if (alb !== undefined)
      targets.push({
        body: body.kind,
        name: 'ALB RSS (MiB, one worker, 1000 rules)',
        want: `<= ${albRssTargetKiB / 1024}`,
        value: alb.rssKiB / 1024,
        met: alb.rssKiB <= albRssTargetKiB,
      });
    const alb10k = forBody.find((r) => r.proxy === 'alb-10k');
    if (alb !== undefined && alb10k !== undefined) {
      const scale = ratio(alb10k.requestsPerSec, alb.requestsPerSec);
      targets.push({
        body: body.kind,
        name: 'ALB req/s with 10k rules vs 1k rules',
        want: '>= 0.95x',
        value: scale,
        met: atLeast(scale, 0.95),
      });
    }
    for (const pair of multiWorkerPairs) {
      const row = forBody.find((r) => r.proxy === pair.alb);
      if (row === undefined) continue;
      targets.push({
        body: body.kind,
        name: `ALB --workers ${pair.workers} req/s vs nginx worker_processes ${pair.workers}`,
        want: '>= 0.8x',
        value: row.rpsVsNginx,
        met: atLeast(row.rpsVsNginx, 0.8),
      });
    }
  }
  return { rows, targets };
}

/** The nginx a proxy's ratios are taken against: the one with as many workers. */
export function nginxReferenceOf(proxy: ProxyName): ProxyName {
  const pair = multiWorkerPairs.find((p) => p.alb === proxy || p.nginx === proxy);
  return pair === undefined ? 'nginx' : pair.nginx;
}

function atLeast(value: number | null, bound: number): boolean {
  return value !== null && value >= bound;
}

function atMost(value: number | null, bound: number): boolean {
  return value !== null && value <= bound;
}

function medianOrNull(values: Array<number | undefined>): number | null {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? null : median(known);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
