import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatsSnapshot } from '@alb/proxy-core';
import type { Tools } from './ensure-tools.ts';
import { bundleAlbRunner } from './bundle-alb-runner.ts';
import { BenchError, errorCodes } from './errors.ts';
import { freePort } from './free-port.ts';
import { renderHaproxyConfig } from './haproxy-config.ts';
import { waitUntilServing } from './http-probe.ts';
import { renderNginxBackendConfig, renderNginxProxyConfig } from './nginx-config.ts';
import type { Managed, ProcessSet } from './process-set.ts';
import { albProxies, bigBodySize, bodies, nginxProxies, type ProxyName } from './workload.ts';

export type BenchContext = {
  /** Temp directory for configs, pid files, logs and the 64 KiB body. */
  dir: string;
  tools: Tools;
  processes: ProcessSet;
  /** taskset pinning: proxies on CPU 1, wrk and backend on CPU 0. */
  pin: boolean;
  /** The Node that runs the Node proxies (the project's Node 24 under `npm run`). */
  node: string;
};

export type Running = { name: string; port: number; managed: Managed };

export type RunningProxy = Running & {
  name: ProxyName;
  /** ALB only: the data plane's counters (requests per rule and status). */
  albStats?: () => Promise<StatsSnapshot>;
};

export const proxyCpu = 1;
export const loadCpu = 0;

/** The command, behind `taskset -c <cpu>` when pinning. */
function pinned(ctx: BenchContext, cpu: number, command: string, args: string[]): [string, string[]] {
  if (!ctx.pin) return [command, args];
  return [ctx.tools.taskset!, ['-c', String(cpu), command, ...args]];
}

/** Starts an nginx with `config` from its own directory under the temp dir. */
function startNginx(ctx: BenchContext, name: string, cpu: number, render: (dir: string) => string): Managed {
  const dir = join(ctx.dir, name);
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, render(dir));
  const [command, args] = pinned(ctx, cpu, ctx.tools.nginx, [
    '-p',
    `${dir}/`,
    '-e',
    join(dir, 'error.log'),
    '-c',
    conf,
  ]);
  return ctx.processes.start(name, command, args, { logFiles: [join(dir, 'error.log')] });
}

/** The backend: nginx, one worker, serving the tiny body and the 64 KiB file. */
export async function startBackend(ctx: BenchContext): Promise<Running> {
  const port = await freePort();
  const bigBodyFile = join(ctx.dir, 'body-64k.bin');
  writeFileSync(bigBodyFile, Buffer.alloc(bigBodySize, 'x'), { mode: 0o644 });
  const [tiny, big] = bodies;
  const managed = startNginx(ctx, 'backend', loadCpu, (dir) =>
    renderNginxBackendConfig({ dir, port, bigBodyFile, tinyPath: tiny!.path, bigPath: big!.path }),
  );
  await waitForBodies(managed, port);
  return { name: 'backend', port, managed };
}

/** Starts one proxy in front of the backend and waits until both bodies come through it intact. */
export async function startProxy(ctx: BenchContext, name: ProxyName, backendPort: number): Promise<RunningProxy> {
  const port = await freePort();
  let proxy: RunningProxy;
  const nginxWorkers = nginxProxies.get(name);
  const alb = albProxies.get(name);
  if (nginxWorkers !== undefined) {
    const managed = startNginx(ctx, name, proxyCpu, (dir) =>
      renderNginxProxyConfig({ dir, port, backendPort, workers: nginxWorkers }),
    );
    proxy = { name, port, managed };
  } else if (name === 'haproxy') {
    const dir = join(ctx.dir, 'haproxy');
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'haproxy.cfg');
    writeFileSync(conf, renderHaproxyConfig({ port, backendPort }));
    const [command, args] = pinned(ctx, proxyCpu, ctx.tools.haproxy, ['-db', '-f', conf]);
    proxy = { name, port, managed: ctx.processes.start(name, command, args) };
  } else {
    const runner = { 'http-proxy': 'http-proxy-runner.ts', 'fastify-http-proxy': 'fastify-proxy-runner.ts' }[
      name as 'http-proxy' | 'fastify-http-proxy'
    ];
    // ALB runs bundled, as alb-instance ships it; the peers run as they are.
    const script =
      alb !== undefined ? await albRunnerBundle(ctx) : fileURLToPath(new URL(`./runners/${runner}`, import.meta.url));
    const [command, args] = pinned(ctx, proxyCpu, ctx.node, [
      '--conditions=@alb/source',
      script,
      '--port',
      String(port),
      '--backend-port',
      String(backendPort),
      ...(alb !== undefined ? ['--rules', String(alb.rules), '--workers', String(alb.workers)] : []),
    ]);
    const managed = ctx.processes.start(name, command, args, { ipc: true });
    proxy = { name, port, managed };
    if (alb !== undefined) proxy.albStats = () => askStats(managed);
  }
  await waitForBodies(proxy.managed, port);
  return proxy;
}

const bundles = new Map<string, Promise<string>>();

/** The bundled ALB runner in the bench's temp dir, built once per dir. */
function albRunnerBundle(ctx: BenchContext): Promise<string> {
  let bundle = bundles.get(ctx.dir);
  if (bundle === undefined) bundles.set(ctx.dir, (bundle = bundleAlbRunner(ctx.dir)));
  return bundle;
}

async function waitForBodies(managed: Managed, port: number): Promise<void> {
  for (const body of bodies) await waitUntilServing(managed, port, body.path, body.size);
}

/** Asks the ALB runner for its data plane's counters over the IPC channel. */
function askStats(managed: Managed): Promise<StatsSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      managed.child.off('message', onMessage);
      reject(new BenchError(errorCodes.routing, 'the ALB runner did not report its stats within 5 s'));
    }, 5000);
    const onMessage = (message: { type?: string; stats?: StatsSnapshot }) => {
      if (message.type !== 'stats' || message.stats === undefined) return;
      clearTimeout(timer);
      managed.child.off('message', onMessage);
      resolve(message.stats);
    };
    managed.child.on('message', onMessage);
    managed.child.send({ type: 'stats' });
  });
}
