// `npm run bench:l4`: ALB's tcp and udp listeners against nginx `stream` and haproxy `mode tcp`, one run, the same
// backends (iperf3, redis-server, dnsmasq), alternating rounds; medians and ratios to nginx.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { programVersion } from '../ensure-tools.ts';
import { BenchError, errorCodes } from '../errors.ts';
import { freePort } from '../free-port.ts';
import { ProcessSet, type Managed } from '../process-set.ts';
import { renderHaproxyTcpConfig, renderNginxStreamConfig, type L4Ports } from './l4-configs.ts';
import { dnsperfResult, iperfBitsPerSecond, redisRates } from './l4-output.ts';
import { l4Proxies, renderL4Report, summarizeL4, type L4MetricKey, type L4Proxy, type L4Record } from './l4-summary.ts';
import { ensureL4Tools, type L4Tools } from './l4-tools.ts';
import { dnsAnswers, tcpAnswers, waitFor } from './probes.ts';

const usage = `Usage: npm run bench:l4 -- [options]

Measures ALB's tcp/udp listeners, nginx stream and haproxy mode tcp (1 worker/thread each) in front of the same
iperf3, redis-server and dnsmasq: bulk throughput, short connections, redis GET/SET, UDP DNS queries.

Options:
  --rounds <n>     measured rounds, proxies in rotating order (default 3)
  --duration <s>   seconds per timed run (iperf3, dnsperf; redis runs are sized to about as long) (default 5)
  --quick          smoke run: 1 round of 2 s
  --json <file>    also write the raw records and the summary as JSON
  --help           this text
`;

const log = (line: string) => process.stderr.write(`[bench:l4] ${line}\n`);
const processes = new ProcessSet();
let tempDir: string | null = null;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    log(`${signal}: stopping every process`);
    void processes.stopAll().finally(() => process.exit(130));
  });
process.on('exit', () => {
  processes.killAllSync();
  if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
});

type Options = { rounds: number; durationS: number; json: string | null };

function parseOptions(argv: string[]): Options | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        quick: { type: 'boolean', default: false },
        json: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new BenchError(errorCodes.usage, `${(error as Error).message}\n\n${usage}`);
  }
  if (values.help) return null;
  const whole = (flag: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    if (!/^[1-9]\d*$/.test(text))
      throw new BenchError(errorCodes.usage, `${flag} wants a whole number >= 1, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  return {
    rounds: whole('--rounds', values.rounds, values.quick ? 1 : 3),
    durationS: whole('--duration', values.duration, values.quick ? 2 : 5),
    json: values.json ?? null,
  };
}

/** Runs a load tool to its end; its stdout, or ALB_BENCH_LOAD_TOOL with what it printed. */
function runTool(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null)
        reject(
          new BenchError(
            errorCodes.loadTool,
            `${command} ${args.join(' ')} failed: ${error.message}\n${stdout.slice(-2000)}${stderr.slice(-2000)}`,
          ),
        );
      else resolve(stdout);
    });
  });
}

/** Like `runTool`, but a failed run's output is returned (iperf3 -J reports its errors as JSON): the caller checks. */
function runToolOutput(command: string, args: string[], timeoutMs: number): Promise<string> {
  return runTool(command, args, timeoutMs).catch((error: Error) => {
    log(`  ${error.message.split('\n')[0]}`);
    return '';
  });
}

async function startBackends(tools: L4Tools, dir: string): Promise<L4Ports> {
  const bulk = await freePort();
  const redis = await freePort();
  const dns = await freePort();
  processes.start('iperf3', tools.iperf3, ['-s', '-p', String(bulk), '-B', '127.0.0.1']);
  processes.start('redis-server', tools['redis-server'], [
    ...['--port', String(redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ...['--dir', dir, '--maxclients', '8000'],
  ]);
  processes.start('dnsmasq', tools.dnsmasq, [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    `--port=${dns}`,
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    '--no-resolv',
    '--no-hosts',
    '--pid-file=',
    '--address=/bench.test/192.0.2.1',
  ]);
  await waitFor('iperf3', () => tcpAnswers(bulk, '', ''));
  await waitFor('redis-server', () => tcpAnswers(redis, 'PING\r\n', '+PONG'));
  await waitFor('dnsmasq', () => dnsAnswers(dns, 'www.bench.test'));
  return { bulk: { backend: bulk, listen: 0 }, redis: { backend: redis, listen: 0 }, dns: { backend: dns, listen: 0 } };
}

async function startProxy(proxy: L4Proxy, tools: L4Tools, dir: string, backends: L4Ports): Promise<L4Ports> {
  const ports: L4Ports = {
    bulk: { ...backends.bulk, listen: await freePort() },
    redis: { ...backends.redis, listen: await freePort() },
    dns: { ...backends.dns, listen: await freePort() },
  };
  let managed: Managed;
  if (proxy === 'nginx') {
    const home = join(dir, 'nginx');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'nginx.conf'), renderNginxStreamConfig({ dir: home, ports }));
    managed = processes.start(
      'nginx',
      tools.nginx,
      ['-p', `${home}/`, '-e', join(home, 'error.log'), '-c', join(home, 'nginx.conf')],
      {
        logFiles: [join(home, 'error.log')],
      },
    );
  } else if (proxy === 'haproxy') {
    writeFileSync(join(dir, 'haproxy.cfg'), renderHaproxyTcpConfig(ports));
    managed = processes.start('haproxy', tools.haproxy, ['-db', '-f', join(dir, 'haproxy.cfg')]);
  } else {
    const runner = fileURLToPath(new URL('../runners/alb-l4-runner.ts', import.meta.url));
    managed = processes.start(
      'alb',
      process.execPath,
      ['--conditions=@alb/source', runner, '--ports', JSON.stringify(ports)],
      {
        ipc: true,
      },
    );
  }
  try {
    await waitFor(`${proxy} (bulk port)`, () => tcpAnswers(ports.bulk.listen, '', ''));
    await waitFor(`${proxy} (redis port)`, () => tcpAnswers(ports.redis.listen, 'PING\r\n', '+PONG'));
    if (proxy !== 'haproxy') await waitFor(`${proxy} (dns port)`, () => dnsAnswers(ports.dns.listen, 'www.bench.test'));
  } catch (error) {
    throw new BenchError(errorCodes.startFailed, `${(error as Error).message}:\n${managed.output()}`);
  }
  return ports;
}

/** One timed run of `metric` through `ports`; the value in the metric's unit (bit/s, conn/s, ops/s, q/s). */
async function measure(metric: L4MetricKey, ports: L4Ports, tools: L4Tools, options: Options, queries: string) {
  const d = options.durationS;
  const limit = (d + 60) * 1000;
  const redisArgs = ['-h', '127.0.0.1', '-p', String(ports.redis.listen), '-q'];
  if (metric === 'bulk') {
    const out = await runToolOutput(
      tools.iperf3,
      ['-c', '127.0.0.1', '-p', String(ports.bulk.listen), '-t', String(d), '-J'],
      limit,
    );
    return { bulk: iperfBitsPerSecond(out) };
  }
  if (metric === 'connections') {
    const out = await runTool(
      tools['redis-benchmark'],
      [...redisArgs, '-t', 'ping_inline', '-k', '0', '-c', '20', '-n', String(2000 * d)],
      limit,
    );
    return { connections: redisRates(out).PING_INLINE ?? null };
  }
  if (metric === 'redis-set' || metric === 'redis-get') {
    const out = await runTool(
      tools['redis-benchmark'],
      [...redisArgs, '-t', 'set,get', '-c', '50', '-n', String(15_000 * d)],
      limit,
    );
    const rates = redisRates(out);
    return { 'redis-set': rates.SET ?? null, 'redis-get': rates.GET ?? null };
  }
  const out = await runTool(
    tools.dnsperf,
    [
      '-s',
      '127.0.0.1',
      '-p',
      String(ports.dns.listen),
      '-d',
      queries,
      '-l',
      String(d),
      '-c',
      '4',
      '-q',
      '200',
      '-t',
      '2',
    ],
    limit,
  );
  const result = dnsperfResult(out);
  if (result !== null && result.lost > result.completed / 100)
    log(`  note: ${result.lost} of ${result.completed + result.lost} queries lost`);
  return { udp: result?.qps ?? null };
}

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options === null) {
    process.stdout.write(usage);
    return 0;
  }
  const tools = ensureL4Tools(log);
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  tempDir = mkdtempSync(join(tmpdir(), 'alb-bench-l4-'));
  const queries = join(tempDir, 'queries.txt');
  writeFileSync(queries, Array.from({ length: 64 }, (_, i) => `host${i}.bench.test A`).join('\n') + '\n');
  log(`starting iperf3, redis-server and dnsmasq (temp dir ${tempDir})`);
  const backends = await startBackends(tools, tempDir);
  const portsOf = new Map<L4Proxy, L4Ports>();
  for (const proxy of l4Proxies) portsOf.set(proxy, await startProxy(proxy, tools, tempDir, backends));
  log(
    `proxies: ${[...portsOf].map(([p, ports]) => `${p} tcp :${ports.bulk.listen}/:${ports.redis.listen} udp :${ports.dns.listen}`).join(', ')}`,
  );

  const records: L4Record[] = [];
  const skipped: string[] = [];
  // One redis-benchmark run measures SET and GET: it is scheduled once, under 'redis-set'.
  const workloads = ['bulk', 'connections', 'redis-set', 'udp'] as const;
  for (let round = 0; round < options.rounds; round++)
    for (const metric of workloads)
      for (let i = 0; i < l4Proxies.length; i++) {
        const proxy = l4Proxies[(i + round) % l4Proxies.length]!;
        if (metric === 'udp' && proxy === 'haproxy') continue;
        log(`round ${round + 1}/${options.rounds} ${metric} ${proxy}`);
        // iperf3's server runs one test at a time and may still be closing the last one ("busy"): try again.
        for (let attempt = 1; ; attempt++) {
          const values = await measure(metric, portsOf.get(proxy)!, tools, options, queries);
          const entries = Object.entries(values) as Array<[L4MetricKey, number | null]>;
          if (entries.every(([, value]) => value !== null)) {
            for (const [key, value] of entries) records.push({ round, proxy, metric: key, value: value! });
            break;
          }
          if (attempt === 3) {
            skipped.push(`round ${round + 1} ${metric} ${proxy}`);
            log(`  no rate reported after ${attempt} attempts; this run is left out`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
  const rows = summarizeL4(records);
  const header = [
    `# bench:l4 ${startedAt}`,
    '',
    `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')};` +
      ` ${options.rounds} round(s), ${options.durationS} s runs; medians; one worker/thread per proxy.`,
    `nginx ${programVersion(tools.nginx, '-v')} (stream), haproxy ${programVersion(tools.haproxy, '-v')} (mode tcp), ALB proxy-core (node ${process.version}); ` +
      `iperf3 ${programVersion(tools.iperf3, '--version')}, redis ${programVersion(tools['redis-server'], '--version')}, dnsperf ${programVersion(tools.dnsperf, '-h')}.`,
  ];
  if (skipped.length > 0) header.push(`Runs left out (the load tool reported no rate 3 times): ${skipped.join(', ')}.`);
  process.stdout.write(renderL4Report(rows, header));
  if (options.json !== null)
    writeFileSync(options.json, JSON.stringify({ startedAt, options, records, rows }, null, 2));
  return rows.every((r) => r.medians.alb !== null) ? 0 : 1;
}

main(process.argv.slice(2))
  .then(async (code) => {
    await processes.stopAll();
    process.exit(code);
  })
  .catch(async (error: Error & { code?: string }) => {
    log(`${error.code ?? 'error'}: ${error.message}`);
    await processes.stopAll();
    process.exit(error.code === errorCodes.usage ? 2 : 1);
  });
