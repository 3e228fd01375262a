// bench:l4's pure parts: the reference proxies' configs, the load tools' output readers, the summary and report.
import t from 'tap';
import { renderHaproxyTcpConfig, renderNginxStreamConfig, type L4Ports } from '../src/l4/l4-configs.ts';
import { dnsperfResult, iperfBitsPerSecond, redisRates } from '../src/l4/l4-output.ts';
import { renderL4Report, summarizeL4, type L4Record } from '../src/l4/l4-summary.ts';
import { dnsQuery } from '../src/l4/probes.ts';

const ports: L4Ports = {
  bulk: { listen: 9001, backend: 5201 },
  redis: { listen: 9002, backend: 6379 },
  dns: { listen: 9003, backend: 5353 },
};

t.test('nginx stream and haproxy mode tcp configs', async (t) => {
  const nginx = renderNginxStreamConfig({ dir: '/tmp/x', ports });
  t.match(nginx, /^load_module \/usr\/lib\/nginx\/modules\/ngx_stream_module\.so;$/m);
  t.match(nginx, /^worker_processes 1;$/m);
  t.match(nginx, 'server { listen 127.0.0.1:9001; proxy_pass 127.0.0.1:5201; }');
  t.match(nginx, 'server { listen 127.0.0.1:9002; proxy_pass 127.0.0.1:6379; }');
  t.match(nginx, 'server { listen 127.0.0.1:9003 udp; proxy_pass 127.0.0.1:5353; }');
  t.notMatch(nginx, /proxy_responses/, 'UDP sessions end when idle, as ALB udp Frontends');
  const haproxy = renderHaproxyTcpConfig(ports);
  t.match(haproxy, /^ {2}mode tcp$/m);
  t.match(haproxy, /^ {2}nbthread 1$/m);
  t.match(haproxy, 'bind 127.0.0.1:9001\n  server s1 127.0.0.1:5201');
  t.match(haproxy, 'bind 127.0.0.1:9002\n  server s1 127.0.0.1:6379');
  t.notMatch(haproxy, /9003/, 'haproxy does not proxy UDP');
});

t.test('load tool output', async (t) => {
  t.equal(iperfBitsPerSecond(JSON.stringify({ end: { sum_received: { bits_per_second: 4.2e9 } } })), 4.2e9);
  t.equal(iperfBitsPerSecond('{"error":"unable to connect to server: Connection refused","end":{}}'), null);
  t.equal(iperfBitsPerSecond('not json'), null);
  t.same(
    redisRates('SET: 1234.5\rSET: 11095.26 requests per second, p50=2.3 msec\nGET: 31679.00 requests per second\n'),
    { SET: 11095.26, GET: 31679 },
  );
  t.same(redisRates('PING_INLINE: 2209.12 requests per second, p50=1 msec\n'), { PING_INLINE: 2209.12 });
  t.same(redisRates('Could not connect to Redis at 127.0.0.1:1: Connection refused\n'), {});
  const dnsperf = `Statistics:

  Queries sent:         40000
  Queries completed:    39990 (99.97%)
  Queries lost:         10 (0.03%)

  Queries per second:   18748.123456
`;
  t.same(dnsperfResult(dnsperf), { qps: 18748.123456, lost: 10, completed: 39990 });
  t.equal(dnsperfResult('Error: could not open queries.txt'), null);
});

t.test('a DNS probe query is well formed', async (t) => {
  t.equal(
    dnsQuery('www.bench.test').toString('hex'),
    '4c34010000010000000000000377777705626' + '56e636804746573740000010001',
  );
});

t.test('medians, ratios to nginx and targets', async (t) => {
  const records: L4Record[] = [];
  const add = (proxy: L4Record['proxy'], metric: L4Record['metric'], ...values: number[]) =>
    values.forEach((value, round) => records.push({ round, proxy, metric, value }));
  add('nginx', 'bulk', 4e9, 5e9, 6e9);
  add('haproxy', 'bulk', 5e9, 5e9, 5e9);
  add('alb', 'bulk', 4.4e9, 4.6e9, 1e9);
  add('nginx', 'udp', 100, 100, 100);
  add('alb', 'udp', 40, 40, 40);
  const rows = summarizeL4(records);
  const bulk = rows.find((r) => r.metric === 'bulk')!;
  t.same(bulk.medians, { nginx: 5e9, haproxy: 5e9, alb: 4.4e9 });
  t.equal(bulk.albVsNginx!.toFixed(2), '0.88');
  t.equal(bulk.met, false, '0.88x misses the 0.9x target');
  const udp = rows.find((r) => r.metric === 'udp')!;
  t.equal(udp.medians.haproxy, null, 'haproxy has no UDP');
  t.equal(udp.albVsHaproxy, null);
  t.equal(udp.met, false, '0.4x misses 0.5x');
  t.equal(rows.find((r) => r.metric === 'redis-get')!.albVsNginx, null, 'nothing measured: no ratio');
  const report = renderL4Report(rows, ['# header']);
  t.match(
    report,
    /^\| TCP bulk, 1 connection \(iperf3\) +\| Gbit\/s \| +5\.00 \| +5\.00 \| +4\.40 \| +0\.88x \| +0\.88x \| >= 0\.9x nginx +\|$/m,
  );
  t.match(report, /^- MISS TCP bulk, 1 connection \(iperf3\): 0\.88x \(want >= 0\.9x\)$/m);
  t.match(report, /^\| UDP DNS queries .*\| +n\/a \| +40 \| +0\.40x \| +n\/a \|/m);
});
