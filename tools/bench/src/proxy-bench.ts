// `npm run bench:proxy`: ALB proxy-core against nginx, haproxy and two Node proxies, one backend, one run.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { albRouting, type AlbRouting } from './alb-routing.ts';
import { ensureTools, programVersion } from './ensure-tools.ts';
import { BenchError, errorCodes } from './errors.ts';
import { parseOptions, usage, type BenchOptions } from './options.ts';
import { ProcessSet } from './process-set.ts';
import { groupCpuTicks, groupRssKiB, ticksPerSecond } from './rss.ts';
import { loadCpu, proxyCpu, startBackend, startProxy, type BenchContext, type RunningProxy } from './proxies.ts';
import { probeConfigBurst, renderConfigBurst } from './config-burst-probe.ts';
import { renderProfile, renderReport, renderRuleTable } from './report.ts';
import type { RuleTableProbe } from './rule-table-probe.ts';
import { runWrk, type WrkRun } from './run-wrk.ts';
import { schedule } from './schedule.ts';
import { summarize, type RunRecord } from './summarize.ts';
import { profileSyscalls, type SyscallProfile } from './syscall-profile.ts';
import {
  albProxies,
  bodies,
  matchedRule,
  profiledProxies,
  proxyNames,
  type BodySpec,
  type ProxyName,
} from './workload.ts';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const processes = new ProcessSet();
let tempDir: string | null = null;
let cleaning: Promise<void> | null = null;
let interrupted = false;

/** Stops every process and removes the temp dir; safe to call more than once. */
function cleanup(): Promise<void> {
  cleaning ??= processes.stopAll().finally(() => {
    if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
  });
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    interrupted = true;
    log(`${signal}: stopping every process`);
    void cleanup().finally(() => process.exit(130));
  });
// Last resort when something exits the process without cleanup: nothing asynchronous runs here.
process.on('exit', () => processes.killAllSync());

async function main(options: BenchOptions): Promise<number> {
  const tools = ensureTools(log);
  if (options.pin) {
    if (tools.taskset === null) throw new BenchError(errorCodes.missingTools, '--pin needs taskset (util-linux)');
    if (cpus().length < 2)
      throw new BenchError(errorCodes.usage, `--pin needs 2 CPUs, this machine has ${cpus().length}`);
  }
  const loadBefore = loadavg();
  const startedAt = new Date().toISOString();
  tempDir = mkdtempSync(join(tmpdir(), 'alb-bench-'));
  // nginx workers run as nobody when started by root: they must reach the 64 KiB file.
  chmodSync(tempDir, 0o755);
  const ctx: BenchContext = { dir: tempDir, tools, processes, pin: options.pin, node: process.execPath };

  log(`starting the backend and ${proxyNames.length} proxies (temp dir ${tempDir})`);
  const backend = await startBackend(ctx);
  const proxies = new Map<ProxyName, RunningProxy>();
  for (const name of proxyNames) proxies.set(name, await startProxy(ctx, name, backend.port));
  log(`backend :${backend.port}; ${[...proxies.values()].map((p) => `${p.name} :${p.port}`).join(', ')}`);

  const wrkPin = options.pin ? { taskset: tools.taskset!, cpu: loadCpu } : null;
  const measure = (proxy: RunningProxy, body: BodySpec, durationS: number) =>
    runWrk(processes, {
      wrk: tools.wrk,
      url: `http://127.0.0.1:${proxy.port}${body.path}`,
      durationS,
      connections: options.connections,
      pin: wrkPin,
    } satisfies WrkRun);

  for (const proxy of proxies.values())
    for (const body of bodies) {
      log(`warm-up ${proxy.name} ${body.kind} (${options.warmupS} s)`);
      const warm = await measure(proxy, body, options.warmupS);
      if (warm.non2xx > 0 || warm.requests === 0)
        throw new BenchError(
          errorCodes.badResponses,
          `${proxy.name} ${body.kind} warm-up: ${warm.requests} requests, ${warm.non2xx} non-2xx/3xx responses`,
        );
    }

  const runs: RunRecord[] = [];
  const slots = schedule(options.rounds);
  for (const [i, slot] of slots.entries()) {
    const proxy = proxies.get(slot.proxy)!;
    const body = bodies.find((b) => b.kind === slot.body)!;
    const before = groupCpuTicks(proxy.managed.pid);
    const wrk = await measure(proxy, body, options.durationS);
    const after = groupCpuTicks(proxy.managed.pid);
    const rssKiB = groupRssKiB(proxy.managed.pid);
    const perRequest = (ticks: number) => (ticks * 1e6) / ticksPerSecond / wrk.requests;
    const cpuUsPerRequest =
      wrk.requests > 0 ? { user: perRequest(after.user - before.user), sys: perRequest(after.sys - before.sys) } : null;
    runs.push({ round: slot.round + 1, proxy: slot.proxy, body: slot.body, wrk, rssKiB, cpuUsPerRequest });
    log(
      `${i + 1}/${slots.length} round ${slot.round + 1} ${slot.proxy} ${slot.body}: ` +
        `${Math.round(wrk.requestsPerSec)} req/s, p99 ${wrk.p99Ms.toFixed(2)} ms, RSS ${(rssKiB / 1024).toFixed(1)} MiB`,
    );
  }

  const routings = new Map<ProxyName, AlbRouting>();
  for (const name of albProxies.keys())
    routings.set(name, albRouting(await proxies.get(name)!.albStats!(), matchedRule));
  const routingOf = (name: ProxyName) => routings.get(name)!;
  const syscalls = new Map<ProxyName, SyscallProfile>();
  for (const name of profiledProxies) {
    log(`syscall profile: ${name} tiny under strace -c -f (${options.profileS} s)`);
    const profile = await profileSyscalls(
      processes,
      tools.strace,
      proxies.get(name)!.managed.pid,
      join(tempDir, `strace-${name}.txt`),
      () => measure(proxies.get(name)!, bodies[0]!, options.profileS),
    );
    syscalls.set(name, profile);
  }
  log('rule table probe: 100,000 HOST + URL rules in a child process');
  const ruleTable = probeRuleTable(100_000);
  log('config burst probe: the bundled alb-instance, 10,000 rules, 40 config changes');
  const configBurst = probeConfigBurst();
  const loadAfter = loadavg();
  const summary = summarize(runs);
  const versions = {
    nginx: programVersion(tools.nginx, '-v'),
    haproxy: programVersion(tools.haproxy, '-v'),
    wrk: programVersion(tools.wrk, '-v'),
    node: process.version,
    'http-proxy': packageVersion('http-proxy'),
    '@fastify/http-proxy': packageVersion('@fastify/http-proxy'),
    fastify: packageVersion('fastify'),
  };
  const header = [
    '## ALB data-plane benchmark',
    '',
    `- ${startedAt}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ` +
      `load average before ${formatLoad(loadBefore)}, after ${formatLoad(loadAfter)}`,
    `- ${options.rounds} round(s) x ${options.durationS} s per proxy and body, rotating order; ` +
      `wrk -t1 -c${options.connections} --latency; ${options.warmupS} s warm-up each; medians over the rounds`,
    options.pin
      ? `- CPU pinning: on (proxy on CPU ${proxyCpu}; wrk and the backend on CPU ${loadCpu})`
      : '- CPU pinning: off (every process may run on every CPU)',
    `- every proxy forwards to one nginx backend (1 worker) over keep-alive connections; ` +
      `bodies: tiny = ${bodies[0]!.size} B, 64KiB = ${bodies[1]!.size} B (response bodies)`,
    ...[...albProxies].map(
      ([name, { rules, workers }]) =>
        `- ${name}: proxy-core, ${workers} worker${workers === 1 ? '' : 's'}, ${rules} rules + catch-all; ${routingOf(name).matched} requests matched ` +
        `${matchedRule} (the last rule before the catch-all)${routingOf(name).other.length > 0 ? ', SOME DID NOT' : ''}`,
    ),
    "- user/sys µs/req: CPU time of the proxy's processes (/proc, all threads) during the run / requests served",
    `- ${Object.entries(versions)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
  ];
  process.stdout.write(
    [
      renderReport(summary, header),
      ...renderProfile(summary, syscalls),
      '',
      ...renderRuleTable(ruleTable),
      '',
      ...renderConfigBurst(configBurst),
      '',
    ].join('\n'),
  );

  if (options.json !== null) {
    writeFileSync(
      options.json,
      JSON.stringify(
        {
          startedAt,
          options,
          versions,
          cpus: cpus().length,
          loadBefore,
          loadAfter,
          albRouting: Object.fromEntries(routings),
          runs,
          summary,
          syscalls: Object.fromEntries(syscalls),
          ruleTable,
          configBurst,
        },
        null,
        2,
      ) + '\n',
    );
    log(`raw results written to ${options.json}`);
  }

  const bad = summary.rows.filter((r) => r.non2xx > 0 || runs.some((x) => x.proxy === r.proxy && x.wrk.requests === 0));
  if (bad.length > 0)
    throw new BenchError(
      errorCodes.badResponses,
      `bad responses from ${bad.map((r) => `${r.proxy} (${r.body})`).join(', ')}: the numbers above are not comparable`,
    );
  for (const [name, routing] of routings)
    if (routing.other.length > 0 || routing.matched === 0)
      throw new BenchError(
        errorCodes.routing,
        `${name} did not route every request by ${matchedRule}: ${JSON.stringify(routing.other)} (matched ${routing.matched})`,
      );
  return 0;
}

/** Runs rule-table-probe.ts in its own Node (a clean heap, --expose-gc) and returns what it measured. */
function probeRuleTable(rules: number): RuleTableProbe {
  const script = fileURLToPath(new URL('./rule-table-probe.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', '--conditions=@alb/source', script, String(rules)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(out) as RuleTableProbe;
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function formatLoad(load: number[]): string {
  return load.map((l) => l.toFixed(2)).join(' ');
}

let code = 1;
try {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(usage);
    code = 0;
  } else {
    code = await main(options);
  }
} catch (error) {
  const e = error as Error & { code?: string };
  // After an interrupt, the failure is only the interrupt's own doing (wrk killed mid-run).
  if (!interrupted) process.stderr.write(`bench: ${e.code ?? e.name}: ${e.message}\n`);
  code = interrupted ? 130 : 1;
} finally {
  await cleanup();
}
process.exit(code);
