// The printed report: one table row per proxy and body, the targets with met/MISS, wrk's errors.
import t from 'tap';
import {
  formatMs,
  formatRatio,
  formatRps,
  formatRss,
  proxyNames,
  renderProfile,
  renderReport,
  renderRuleTable,
  summarize,
  type RunRecord,
} from '../src/index.ts';

function record(proxy: RunRecord['proxy'], body: RunRecord['body'], rps: number, non2xx = 0, timeout = 0): RunRecord {
  return {
    round: 1,
    proxy,
    body,
    rssKiB: 10 * 1024,
    cpuUsPerRequest: proxy === 'haproxy' ? null : { user: 3.25, sys: 4 },
    wrk: {
      requestsPerSec: rps,
      p50Ms: 0.5,
      p99Ms: 2,
      requests: rps,
      non2xx,
      socketErrors: { connect: 0, read: 0, write: 0, timeout },
    },
  };
}

const runs = [
  ...proxyNames.map((p) => record(p, 'tiny', 1000)),
  ...proxyNames.map((p) => record(p, '64KiB', 500, p === 'haproxy' ? 3 : 0, p === 'http-proxy' ? 2 : 0)),
];
const text = renderReport(summarize(runs), ['## header line']);
const lines = text.split('\n');

t.test('header, then a markdown table with a row per proxy and body', async (t) => {
  t.equal(lines[0], '## header line');
  const table = lines.filter((l) => l.startsWith('|'));
  t.equal(table.length, 2 + proxyNames.length * 2, 'column names, separator, a row per proxy and body');
  t.match(
    table[0],
    /^\| proxy +\| body +\| req\/s \(median\) \| +p50 \| +p99 \| +RSS \| user µs\/req \| sys µs\/req \| req\/s vs nginx \| p99 vs nginx \|$/,
  );
  t.match(table[1], /^\|-+\|-+\|-+:\|/);
  for (const proxy of proxyNames)
    for (const body of ['tiny', '64KiB']) {
      const row = table.find((l) => new RegExp(`^\\| ${proxy} +\\| ${body} +\\|`).test(l));
      t.ok(row, `${proxy} ${body}`);
      t.match(row!, /\| +1\.00x \| +1\.00x \|$/);
      t.match(row!, proxy === 'haproxy' ? /\| +n\/a \| +n\/a \|/ : /\| +3\.3 \| +4\.0 \|/, 'CPU per request');
    }
  t.ok(
    table.every((l) => l.length === table[0]!.length),
    'columns padded to one width',
  );
});

t.test('targets: six lines per body, met or MISS with the measured value', async (t) => {
  const targets = lines.filter((l) => /^- (met |MISS) /.test(l));
  t.equal(targets.length, 12);
  t.ok(targets.includes('- met  tiny: ALB --workers 2 req/s vs nginx worker_processes 2 >= 0.8x: measured 1.00x'));
  t.ok(targets.includes('- met  tiny: ALB req/s vs nginx >= 0.8x: measured 1.00x'));
  t.ok(targets.includes('- MISS 64KiB: ALB req/s vs best Node peer >= 2x: measured 1.00x'));
  t.ok(targets.includes('- met  tiny: ALB RSS (MiB, one worker, 1000 rules) <= 100: measured 10.0'));
  t.ok(targets.includes('- met  64KiB: ALB req/s with 10k rules vs 1k rules >= 0.95x: measured 1.00x'));
});

t.test('errors counted by wrk are listed', async (t) => {
  t.match(text, '- haproxy 64KiB: 3 non-2xx/3xx responses, 0 socket errors');
  t.match(text, '- http-proxy 64KiB: 0 non-2xx/3xx responses, 2 socket errors');
  t.notMatch(text, '- alb 64KiB:');
});

t.test('number formats', async (t) => {
  const table = [
    { name: 'req/s grouped, rounded', input: formatRps(123456.7), want: '123,457' },
    { name: 'sub-10 ms latency with 2 decimals', input: formatMs(0.0891), want: '0.09 ms' },
    { name: 'larger latency with 1 decimal', input: formatMs(18.71), want: '18.7 ms' },
    { name: 'RSS in MiB', input: formatRss(13210), want: '12.9 MiB' },
    { name: 'ratio', input: formatRatio(0.805), want: '0.81x' },
  ];
  for (const { name, input, want } of table) t.equal(input, want, name);
});

t.test('rule table lines: the probe values against the bounds', async (t) => {
  const lines = renderRuleTable({ rules: 100_000, heapBytesPerRule: 2896.5, buildMs: 1500.2, matchUs: 2.281 });
  t.equal(lines[0], 'Rule table (@alb/dslx, 100,000 HOST + URL rules, one process, last rule matched):');
  t.same(lines.slice(2), [
    '- MISS heap per rule <= 1024 B: measured 2897 B',
    '- met  build <= 2000 ms: measured 1500 ms',
    '- met  one match <= 5 µs: measured 2.28 µs',
  ]);
});

t.test('profile: CPU and system calls per request of the profiled proxies', async (t) => {
  const summary = summarize(runs);
  const profile = renderProfile(
    summary,
    new Map([
      [
        'alb',
        {
          requests: 10,
          total: 7.5,
          perRequest: [
            { syscall: 'read', calls: 2 },
            { syscall: 'write', calls: 2 },
            { syscall: 'epoll_wait', calls: 1.5 },
            { syscall: 'futex', calls: 1 },
            { syscall: 'mmap', calls: 0.5 },
            { syscall: 'madvise', calls: 0.5 },
          ],
        },
      ],
    ]),
  );
  t.match(profile[0], /^Profile per request, tiny body/);
  t.same(profile.slice(2), [
    '| proxy | user µs | sys µs | system calls | most frequent |',
    '|---|--:|--:|--:|---|',
    '| alb | 3.3 | 4.0 | 7.50 | read 2.00, write 2.00, epoll_wait 1.50, futex 1.00, mmap 0.50 |',
  ]);
});
