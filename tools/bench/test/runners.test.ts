// The Node proxies exactly as the bench starts them, in front of a node:http backend (no nginx/haproxy/wrk needed).
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { albRouting, bigBodySize, bodies, groupPids, matchedRule, tinyBody, type ProxyName } from '../src/index.ts';
import { probe } from '../src/http-probe.ts';
import { ProcessSet } from '../src/process-set.ts';
import { startProxy, type BenchContext } from '../src/proxies.ts';

const big = Buffer.alloc(bigBodySize, 'x');
const backend = createServer((req, res) => {
  if (req.url === bodies[1]!.path) res.end(big);
  else res.end(tinyBody);
});
backend.listen(0, '127.0.0.1');
await once(backend, 'listening');
const backendPort = (backend.address() as AddressInfo).port;
t.teardown(() => {
  backend.closeAllConnections();
  backend.close();
});

const processes = new ProcessSet();
t.teardown(() => processes.stopAll());
// The ALB runner is bundled into the temp dir; nothing else is written there.
const dir = t.testdir({});
const ctx: BenchContext = {
  dir,
  // The Node proxies use none of the system tools.
  tools: { nginx: '/nonexistent', haproxy: '/nonexistent', wrk: '/nonexistent', strace: '/nonexistent', taskset: null },
  processes,
  pin: false,
  node: process.execPath,
};

const nodeProxies: ProxyName[] = ['alb', 'alb-10k', 'alb-2w', 'http-proxy', 'fastify-http-proxy'];
const started = await Promise.all(nodeProxies.map((name) => startProxy(ctx, name, backendPort)));

for (const proxy of started)
  t.test(`${proxy.name} forwards both bodies intact`, async (t) => {
    for (const body of bodies) {
      const reply = await probe(proxy.port, body.path);
      t.equal(reply.status, 200, body.path);
      t.equal(reply.body.length, body.size, body.path);
    }
    t.equal((await probe(proxy.port, bodies[0]!.path)).body.toString(), tinyBody);
  });

t.test('ALB runs as one bundled file, as alb-instance ships it', async (t) => {
  const alb = started.find((p) => p.name === 'alb')!;
  t.ok(existsSync(join(dir, 'alb-runner.mjs')));
  t.ok(alb.managed.child.spawnargs.includes(join(dir, 'alb-runner.mjs')));
});

t.test('the ALB runners report their counters: every request went by svc-999', async (t) => {
  for (const name of ['alb', 'alb-10k', 'alb-2w']) {
    const alb = started.find((p) => p.name === name)!;
    const routing = albRouting(await alb.albStats!(), matchedRule);
    t.same(routing.other, [], name);
    // startProxy's readiness probes (2) + the test's probes (3), at least.
    t.ok(routing.matched >= 5, `${name}: matched ${routing.matched}`);
  }
});

t.test('alb-2w serves from two bundled worker processes next to its runner', async (t) => {
  const alb = started.find((p) => p.name === 'alb-2w')!;
  t.ok(existsSync(join(dir, 'worker.mjs')), 'the worker is bundled next to the runner');
  const group = groupPids(alb.managed.pid).map((pid) =>
    readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(),
  );
  t.equal(group.length, 3, `runner + 2 workers: ${group.join(' | ')}`);
  t.equal(group.filter((command) => command.includes(join(dir, 'worker.mjs'))).length, 2, 'two bundled workers');
});

t.test('a runner exits when the bench goes away (its IPC channel closes)', async (t) => {
  const proxy = started.find((p) => p.name === 'http-proxy')!;
  proxy.managed.child.disconnect();
  t.equal(await proxy.managed.exited, 0);
  await t.rejects(probe(proxy.port, bodies[0]!.path, 500));
});

t.test('stopAll ends every process group', async (t) => {
  await processes.stopAll();
  for (const proxy of started) {
    t.not(proxy.managed.child.exitCode ?? proxy.managed.child.signalCode, null, `${proxy.name} exited`);
    t.throws(() => process.kill(-proxy.managed.pid, 0), `${proxy.name}: no process left in its group`);
  }
});
