// The config-burst probe as bench:proxy runs it: the bundled alb-instance (built before the tests) in file mode.
import t from 'tap';
import { configBurstTargetMiB, probeConfigBurst, renderConfigBurst, type ConfigBurstProbe } from '../src/index.ts';

t.test('a small burst: every change routed, memory read from the instance process', async (t) => {
  const probe = probeConfigBurst({ rules: 10, changes: 3, workers: 1, settleMs: 500 });
  t.match(probe, { rules: 10, changes: 3, workers: 1, processes: 1 });
  // A Node process holds tens of MiB: zeros would mean /proc was not read.
  for (const field of ['peakRssMiB', 'rssBeforeMiB', 'rssAfterMiB', 'settledRssMiB'] as const)
    t.ok(probe[field] > 20, `${field} ${probe[field]}`);
  t.ok(probe.peakRssMiB >= probe.rssAfterMiB - 1, 'the peak covers the RSS right after the burst');
  t.ok(probe.p99Ms > 0);
});

t.test('with --workers 2 the worker processes are counted too', async (t) => {
  const probe = probeConfigBurst({ rules: 10, changes: 1, workers: 2, settleMs: 500 });
  t.equal(probe.processes, 3);
});

t.test('the report line says met or MISS against the 300 MiB bound', async (t) => {
  const probe: ConfigBurstProbe = {
    rules: 10_000,
    changes: 40,
    workers: 1,
    peakRssMiB: configBurstTargetMiB,
    rssBeforeMiB: 190,
    rssAfterMiB: 250,
    settledRssMiB: 200,
    p99Ms: 300,
    processes: 1,
  };
  t.match(
    renderConfigBurst(probe).join('\n'),
    /- met {2}peak RSS during a burst of 40 config changes at 10,000 Rules <= 300 MiB: measured 300 MiB/,
  );
  t.match(renderConfigBurst({ ...probe, peakRssMiB: 301 }).join('\n'), /- MISS peak RSS .* measured 301 MiB/);
});
