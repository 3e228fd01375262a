// Medians, ratios to nginx, the three targets and the rotating schedule.
import t from 'tap';
import {
  median,
  proxyNames,
  ratio,
  schedule,
  summarize,
  type BodyKind,
  type ProxyName,
  type RunRecord,
} from '../src/index.ts';

t.test('median', async (t) => {
  const table = [
    { name: 'odd count', input: [3, 1, 2], want: 2 },
    { name: 'even count: mean of the middle two', input: [4, 1, 3, 2], want: 2.5 },
    { name: 'one value', input: [7], want: 7 },
    { name: 'does not sort the input in place', input: [9, 1, 5], want: 5 },
  ];
  for (const { name, input, want } of table) {
    const before = [...input];
    t.equal(median(input), want, name);
    t.same(input, before, `${name}: input untouched`);
  }
  t.ok(Number.isNaN(median([])), 'empty: NaN');
});

t.test('ratio', async (t) => {
  const table = [
    { name: 'plain', input: [80, 100] as const, want: 0.8 },
    { name: 'zero reference', input: [80, 0] as const, want: null },
    { name: 'missing reference', input: [80, undefined] as const, want: null },
    { name: 'NaN value', input: [Number.NaN, 100] as const, want: null },
  ];
  for (const { name, input, want } of table) t.equal(ratio(input[0], input[1]), want, name);
});

/** One run with the given numbers (all rounds alike unless varied by the caller). */
function run(proxy: ProxyName, body: BodyKind, round: number, rps: number, p99: number, rss = 1024): RunRecord {
  return {
    round,
    proxy,
    body,
    rssKiB: rss,
    cpuUsPerRequest: { user: rps / 10, sys: 1 },
    wrk: {
      requestsPerSec: rps,
      p50Ms: p99 / 2,
      p99Ms: p99,
      requests: rps,
      non2xx: 0,
      socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
    },
  };
}

t.test('summarize: medians over rounds, ratios to nginx, targets', async (t) => {
  const runs: RunRecord[] = [];
  // tiny: ALB at 0.9x nginx, 3x the best peer, p99 1.2x nginx -> all met.
  const tiny = {
    nginx: [100, 1],
    haproxy: [95, 1],
    alb: [90, 1.2],
    'alb-10k': [72, 1.3],
    'http-proxy': [30, 5],
    'fastify-http-proxy': [20, 6],
    'nginx-2w': [150, 1],
    'alb-2w': [135, 2],
  };
  // 64KiB: ALB at 0.5x nginx, 1.25x the best peer, p99 3x nginx -> all missed.
  const big = {
    nginx: [40, 2],
    haproxy: [50, 2],
    alb: [20, 6],
    'alb-10k': [19, 6],
    'http-proxy': [16, 9],
    'fastify-http-proxy': [10, 9],
    'nginx-2w': [60, 2],
    'alb-2w': [30, 2],
  };
  for (const round of [1, 2, 3]) {
    // Round 2 is an outlier the median must ignore.
    const noise = round === 2 ? 10 : 1;
    for (const [proxy, [rps, p99]] of Object.entries(tiny))
      runs.push(run(proxy as ProxyName, 'tiny', round, rps! * noise, p99!, 1024 * round));
    for (const [proxy, [rps, p99]] of Object.entries(big))
      runs.push(run(proxy as ProxyName, '64KiB', round, rps!, p99!));
  }
  const summary = summarize(runs);
  t.equal(summary.rows.length, 16);
  t.same(
    summary.rows.map((r) => `${r.proxy}/${r.body}`),
    [...proxyNames.map((p) => `${p}/tiny`), ...proxyNames.map((p) => `${p}/64KiB`)],
  );
  const alb = summary.rows.find((r) => r.proxy === 'alb' && r.body === 'tiny')!;
  t.equal(alb.runs, 3);
  t.equal(alb.requestsPerSec, 90, 'median ignores the outlier round');
  t.equal(alb.rssKiB, 2048);
  t.equal(alb.userUs, 9, 'CPU per request: median over the rounds');
  t.equal(alb.sysUs, 1);
  t.equal(alb.rpsVsNginx, 0.9);
  t.equal(Math.round(alb.p99VsNginx! * 100) / 100, 1.2);
  const alb2w = summary.rows.find((r) => r.proxy === 'alb-2w' && r.body === 'tiny')!;
  t.equal(alb2w.rpsVsNginx, 0.9, 'alb-2w is compared with nginx-2w, not with the one-worker nginx');
  t.equal(alb2w.p99VsNginx, 2);
  t.equal(summary.rows.find((r) => r.proxy === 'nginx-2w' && r.body === 'tiny')!.rpsVsNginx, 1);
  t.same(
    summary.targets.map((x) => [x.body, x.name, x.met, Math.round(x.value! * 100) / 100]),
    [
      ['tiny', 'ALB req/s vs nginx', true, 0.9],
      ['tiny', 'ALB req/s vs best Node peer', true, 3],
      ['tiny', 'ALB p99 vs nginx', true, 1.2],
      ['tiny', 'ALB RSS (MiB, one worker, 1000 rules)', true, 2],
      ['tiny', 'ALB req/s with 10k rules vs 1k rules', false, 0.8],
      ['tiny', 'ALB --workers 2 req/s vs nginx worker_processes 2', true, 0.9],
      ['64KiB', 'ALB req/s vs nginx', false, 0.5],
      ['64KiB', 'ALB req/s vs best Node peer', false, 1.25],
      ['64KiB', 'ALB p99 vs nginx', false, 3],
      ['64KiB', 'ALB RSS (MiB, one worker, 1000 rules)', true, 1],
      ['64KiB', 'ALB req/s with 10k rules vs 1k rules', true, 0.95],
      ['64KiB', 'ALB --workers 2 req/s vs nginx worker_processes 2', false, 0.5],
    ],
  );
});

t.test('summarize: targets are missed, not met, when a reference is absent', async (t) => {
  const summary = summarize([run('alb', 'tiny', 1, 100, 1)]);
  t.equal(summary.rows[0]!.rpsVsNginx, null);
  for (const target of summary.targets.filter((x) => x.body === 'tiny' && x.want.endsWith('x'))) {
    t.equal(target.value, null, target.name);
    t.equal(target.met, false, target.name);
  }
});

t.test('summarize: bounds are inclusive', async (t) => {
  const summary = summarize([
    run('nginx', 'tiny', 1, 100, 2),
    run('alb', 'tiny', 1, 80, 3),
    run('http-proxy', 'tiny', 1, 40, 9),
  ]);
  t.same(
    summary.targets.filter((x) => x.body === 'tiny').map((x) => x.met),
    [true, true, true, true],
  );
});

t.test('schedule: every proxy once per round and body, first place rotating', async (t) => {
  const slots = schedule(3, ['a', 'b', 'c'] as unknown as ProxyName[]);
  t.equal(slots.length, 3 * 2 * 3);
  const order = (round: number, body: BodyKind) =>
    slots.filter((s) => s.round === round && s.body === body).map((s) => s.proxy as string);
  t.same(order(0, 'tiny'), ['a', 'b', 'c']);
  t.same(order(1, 'tiny'), ['b', 'c', 'a']);
  t.same(order(2, '64KiB'), ['c', 'a', 'b']);
  t.same(
    schedule(1).map((s) => s.proxy),
    [...proxyNames, ...proxyNames],
  );
});
