import type { RuleTableProbe } from './rule-table-probe.ts';
import type { Summary, SummaryRow } from './summarize.ts';
import type { SyscallProfile } from './syscall-profile.ts';
import type { ProxyName } from './workload.ts';

const columns = [
  'proxy',
  'body',
  'req/s (median)',
  'p50',
  'p99',
  'RSS',
  'user µs/req',
  'sys µs/req',
  'req/s vs nginx',
  'p99 vs nginx',
];
/** Text columns left-aligned, numbers right-aligned. */
const rightAligned = [false, false, true, true, true, true, true, true, true, true];

/** The markdown report: header lines, the table, the targets, and notes about errors wrk counted. */
export function renderReport(summary: Summary, header: readonly string[]): string {
  const out: string[] = [...header];
  if (header.length > 0) out.push('');
  out.push(...renderTable(summary.rows), '', 'Targets (ALB, per body):', '');
  for (const t of summary.targets) {
    const value = t.value === null ? 'n/a' : t.want.endsWith('x') ? formatRatio(t.value) : t.value.toFixed(1);
    out.push(`- ${t.met ? 'met ' : 'MISS'} ${t.body}: ${t.name} ${t.want}: measured ${value}`);
  }
  const troubled = summary.rows.filter((r) => r.non2xx > 0 || r.socketErrors > 0);
  if (troubled.length > 0) {
    out.push('', 'Errors counted by wrk (all rounds):', '');
    for (const r of troubled)
      out.push(`- ${r.proxy} ${r.body}: ${r.non2xx} non-2xx/3xx responses, ${r.socketErrors} socket errors`);
  }
  return out.join('\n') + '\n';
}

/** System calls shown by name per proxy in the profile; the rest are summed into the total only. */
const shownSyscalls = 5;

/**
 * The profile summary: where one tiny request's CPU goes (user and system µs, medians of the rounds) and how many
 * system calls it takes (counted by strace in a separate run), per profiled proxy.
 */
export function renderProfile(summary: Summary, syscalls: ReadonlyMap<ProxyName, SyscallProfile>): string[] {
  const out = [
    'Profile per request, tiny body (CPU: medians of the rounds; system calls: strace -c -f during a separate run):',
    '',
    '| proxy | user µs | sys µs | system calls | most frequent |',
    '|---|--:|--:|--:|---|',
  ];
  for (const [proxy, profile] of syscalls) {
    const row = summary.rows.find((r) => r.proxy === proxy && r.body === 'tiny');
    const cpu = (value: number | null | undefined) => (value == null ? 'n/a' : formatUs(value));
    const top = profile.perRequest
      .slice(0, shownSyscalls)
      .map((s) => `${s.syscall} ${s.calls.toFixed(2)}`)
      .join(', ');
    out.push(`| ${proxy} | ${cpu(row?.userUs)} | ${cpu(row?.sysUs)} | ${profile.total.toFixed(2)} | ${top} |`);
  }
  return out;
}

/** Bounds for the rule table at 100k rules (heap per rule, build time, one match). */
export const ruleTableTargets = { heapBytesPerRule: 1024, buildMs: 2000, matchUs: 5 };

/** The rule-table lines: what the probe measured and whether each bound holds. */
export function renderRuleTable(probe: RuleTableProbe): string[] {
  const check = (met: boolean) => (met ? 'met ' : 'MISS');
  const t = ruleTableTargets;
  return [
    `Rule table (@alb/dslx, ${probe.rules.toLocaleString('en-US')} HOST + URL rules, one process, last rule matched):`,
    '',
    `- ${check(probe.heapBytesPerRule <= t.heapBytesPerRule)} heap per rule <= ${t.heapBytesPerRule} B: ` +
      `measured ${Math.round(probe.heapBytesPerRule)} B`,
    `- ${check(probe.buildMs <= t.buildMs)} build <= ${t.buildMs} ms: measured ${Math.round(probe.buildMs)} ms`,
    `- ${check(probe.matchUs <= t.matchUs)} one match <= ${t.matchUs} µs: measured ${probe.matchUs.toFixed(2)} µs`,
  ];
}

/** The markdown table, columns padded so it also reads well in a terminal. */
export function renderTable(rows: readonly SummaryRow[]): string[] {
  const cells = rows.map((r) => [
    r.proxy,
    r.body,
    formatRps(r.requestsPerSec),
    formatMs(r.p50Ms),
    formatMs(r.p99Ms),
    formatRss(r.rssKiB),
    r.userUs === null ? 'n/a' : formatUs(r.userUs),
    r.sysUs === null ? 'n/a' : formatUs(r.sysUs),
    r.rpsVsNginx === null ? 'n/a' : formatRatio(r.rpsVsNginx),
    r.p99VsNginx === null ? 'n/a' : formatRatio(r.p99VsNginx),
  ]);
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAligned[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(columns), rule, ...cells.map(line)];
}

export function formatRps(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatMs(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function formatRss(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

export function formatUs(value: number): string {
  return value.toFixed(1);
}

export function formatRatio(value: number): string {
  return `${value.toFixed(2)}x`;
}
