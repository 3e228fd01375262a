// A real Debian redis-server behind a tcp listener, driven by redis-cli and redis-benchmark (package redis-tools).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { freePort, group, startEngine } from './helpers.ts';
import { eventually, streamListener, streamStats } from './l4-helpers.ts';
import { requireProgram } from './programs.ts';

const run = promisify(execFile);

async function startRedis(t: Test): Promise<number> {
  const port = await freePort();
  const server = spawn(
    requireProgram('redis-server', 'redis-server'),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    { stdio: 'ignore' },
  );
  t.teardown(() => {
    server.kill('SIGKILL');
  });
  const cli = requireProgram('redis-cli', 'redis-tools');
  for (let i = 0; i < 100; i++) {
    const ping = await run(cli, ['-p', String(port), 'PING']).catch(() => ({ stdout: '' }));
    if (ping.stdout.trim() === 'PONG') return port;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

t.test('redis-cli and redis-benchmark through a tcp listener', async (t) => {
  const redisPort = await startRedis(t);
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [streamListener(port, 'redis')],
    backendGroups: [group('redis', { port: redisPort })],
  });
  const cli = requireProgram('redis-cli', 'redis-tools');
  const set = await run(cli, ['-p', String(port), 'SET', 'greeting', 'hello through alb']);
  t.equal(set.stdout.trim(), 'OK');
  const get = await run(cli, ['-p', String(redisPort), 'GET', 'greeting']);
  t.equal(get.stdout.trim(), 'hello through alb', 'the value reached the real server');
  const back = await run(cli, ['-p', String(port), 'GET', 'greeting']);
  t.equal(back.stdout.trim(), 'hello through alb', 'and comes back through the proxy');

  // A 1 MiB value: larger than any socket buffer, so it crosses the proxy in many reads.
  const big = 'v'.repeat(1024 * 1024);
  const setBig = await new Promise<string>((resolve, reject) => {
    const child = execFile(cli, ['-p', String(port), '-x', 'SET', 'big'], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin!.end(big);
  });
  t.equal(setBig.trim(), 'OK');
  const strlen = await run(cli, ['-p', String(redisPort), 'STRLEN', 'big']);
  t.equal(strlen.stdout.trim(), String(big.length), 'all of it arrived');

  const bench = await run(
    requireProgram('redis-benchmark', 'redis-tools'),
    ['-p', String(port), '-n', '4000', '-c', '20', '-t', 'set,get', '-q'],
    { timeout: 60_000 },
  );
  const rates = Object.fromEntries(
    [...bench.stdout.matchAll(/^(SET|GET): ([\d.]+) requests per second/gm)].map((m) => [m[1], Number(m[2])]),
  );
  t.ok(rates.SET! > 0 && rates.GET! > 0, `redis-benchmark completed: ${JSON.stringify(rates)}`);
  t.ok(await eventually(() => streamStats(engine, port).activeConnections === 0), 'every connection closed');
  const stats = streamStats(engine, port);
  t.ok(stats.connectionsTotal >= 20 + 5, `${stats.connectionsTotal} connections forwarded`);
  t.equal(stats.upstreamErrors, 0);
  const info = await run(cli, ['-p', String(redisPort), 'INFO', 'stats']);
  const processed = Number(/total_commands_processed:(\d+)/.exec(info.stdout)?.[1]);
  t.ok(processed >= 8000, `redis processed ${processed} commands (8000 from the benchmark)`);
});
