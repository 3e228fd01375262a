#!/usr/bin/env node
// kube-testenv: build the binaries, or run one test cluster in the background for manual work (`npm run testenv`).
import { spawn } from 'node:child_process';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readLiveState, readState, renderExports, statePaths, writeState } from './cli-state.ts';
import type { ControllersOptions } from './controllers.ts';
import { ensureBinaries } from './ensure-binaries.ts';
import { ensureControllerBinaries } from './ensure-controller-binaries.ts';
import { ensureJaeger } from './ensure-jaeger.ts';
import { errorCodes, KubeTestEnvError } from './errors.ts';
import { wantsExistingCluster } from './existing-cluster.ts';
import { processAlive } from './process-alive.ts';
import { startTestEnv } from './start-test-env.ts';
import type { TestEnvUser } from './test-env.ts';

const usage = `usage: npm run -s testenv -- <command>
  build [--with controllers]
                      Build (or find in the cache) kube-apiserver and etcd (and the controllers); print where.
  build-jaeger        Build (or find in ~/.cache/alb-jaeger) Jaeger v2 for the tracing test; print where.
  up [--user NAME[:GROUP,...]]... [--with controllers] [--nodes N]
                      Start etcd + kube-apiserver in the background; print shell exports (eval them).
                      --with controllers: also kube-controller-manager, kube-scheduler and KWOK with N fake
                      Nodes (default 3), so Deployments run; ALB_TESTENV_KUBECTL is a kubectl of that version.
  env                 Print the shell exports of the running one (exit 1 if none).
  down                Stop the running one and remove its files.
Examples:
  eval "$(npm run -s testenv -- up)" && kubectl get ns
  npm run -s testenv -- down`;

export type CliIo = { out: (text: string) => void; err: (text: string) => void };

export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'build':
        return await build(rest, io, env);
      case 'build-jaeger': {
        const jaeger = await ensureJaeger({ env });
        io.out(`jaeger ${jaeger.version}: ${jaeger.path}\n(source: ${jaeger.source})\n`);
        return 0;
      }
      case 'up':
        return await up(rest, io, env);
      case 'env':
        return await printEnv(io, env);
      case 'down':
        return await down(io, env);
      case 'serve':
        return await serve(rest, env);
      case 'help':
      case '--help':
      case '-h':
        io.out(`${usage}\n`);
        return 0;
      default:
        throw new KubeTestEnvError(errorCodes.cliUsage, command ? `unknown command ${command}` : 'missing command');
    }
  } catch (err) {
    if (err instanceof KubeTestEnvError) {
      io.err(`kube-testenv: ${err.code}: ${err.message}\n`);
      if (err.code === errorCodes.cliUsage) io.err(`${usage}\n`);
      return err.code === errorCodes.cliUsage ? 2 : 1;
    }
    throw err;
  }
}

async function build(args: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { controllers } = parseUpArgs(args);
  const bins = await ensureBinaries({ env });
  io.out(
    `kube-apiserver ${bins.kubernetesVersion}: ${bins.kubeApiserver}\netcd ${bins.etcdVersion}: ${bins.etcd}\n` +
      `(source: ${bins.source})\n`,
  );
  if (controllers !== undefined) {
    const c = await ensureControllerBinaries({ env });
    io.out(
      `kube-controller-manager ${c.kubernetesVersion}: ${c.kubeControllerManager}\n` +
        `kube-scheduler ${c.kubernetesVersion}: ${c.kubeScheduler}\nkubectl ${c.kubernetesVersion}: ${c.kubectl}\n` +
        `kwok ${c.kwokVersion}: ${c.kwok}\n(source: ${c.source})\n`,
    );
  }
  return 0;
}

/** `up` and `serve` arguments: extra users, and the opt-in controllers with their node count. */
function parseUpArgs(args: string[]): { users: TestEnvUser[]; controllers: ControllersOptions | undefined } {
  let values: { user?: string[]; with?: string[]; nodes?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        user: { type: 'string', multiple: true },
        with: { type: 'string', multiple: true },
        nodes: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new KubeTestEnvError(errorCodes.cliUsage, (err as Error).message);
  }
  for (const extra of values.with ?? [])
    if (extra !== 'controllers')
      throw new KubeTestEnvError(errorCodes.cliUsage, `--with takes "controllers", got "${extra}"`);
  let controllers: ControllersOptions | undefined = values.with?.length ? {} : undefined;
  if (values.nodes !== undefined) {
    if (!/^\d+$/.test(values.nodes) || Number(values.nodes) < 1 || Number(values.nodes) > 100)
      throw new KubeTestEnvError(errorCodes.cliUsage, `--nodes must be between 1 and 100, got ${values.nodes}`);
    if (controllers === undefined) throw new KubeTestEnvError(errorCodes.cliUsage, '--nodes needs --with controllers');
    controllers = { nodes: Number(values.nodes) };
  }
  return { users: parseUsers(values.user ?? []), controllers };
}

function parseUsers(specs: string[]): TestEnvUser[] {
  return specs.map((spec) => {
    // Only the first colon separates: group names often have their own (`system:masters`).
    const colon = spec.indexOf(':');
    const name = colon < 0 ? spec : spec.slice(0, colon);
    const groups = colon < 0 ? '' : spec.slice(colon + 1);
    if (name === '') throw new KubeTestEnvError(errorCodes.cliUsage, `--user needs a name: ${spec}`);
    return { name, groups: groups.split(',').filter((g) => g !== '') };
  });
}

async function up(args: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { controllers } = parseUpArgs(args);
  const paths = statePaths(env);
  const running = await readLiveState(paths.state);
  if (running) {
    io.err(`kube-testenv: already running (pid ${running.pid}); \`down\` stops it\n`);
    io.out(renderExports(running));
    return 0;
  }
  // Build in the foreground, where its progress shows; the background process then finds the binaries cached.
  if (!wantsExistingCluster(env)) {
    await ensureBinaries({ env });
    if (controllers !== undefined) await ensureControllerBinaries({ env });
  }

  await mkdir(dirname(paths.log), { recursive: true });
  const log = await open(paths.log, 'w');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', ...args], {
    detached: true, // its own session: it outlives this command and the terminal
    stdio: ['ignore', log.fd, log.fd],
    env,
  });
  await log.close();
  child.unref();
  const pid = child.pid ?? 0;
  for (;;) {
    const state = await readState(paths.state);
    if (state?.pid === pid) {
      io.out(renderExports(state));
      return 0;
    }
    if (!processAlive(pid)) {
      io.err(`kube-testenv: the background process exited; see ${paths.log}\n`);
      return 1;
    }
    await sleep(100);
  }
}

/** The background process of `up`: runs one env until SIGTERM/SIGINT/SIGHUP. */
async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const paths = statePaths(env);
  const { users, controllers } = parseUpArgs(args);
  const testEnv = await startTestEnv({ env, users, ...(controllers !== undefined && { controllers }) });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await testEnv.stop();
    await rm(paths.state, { force: true });
    process.exit(0);
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void stop());
  await writeState(paths.state, {
    pid: process.pid,
    kind: testEnv.kind,
    kubeconfigPath: testEnv.kubeconfigPath,
    server: testEnv.server,
    ...(testEnv.token !== undefined && { token: testEnv.token }),
    userTokens: testEnv.userTokens,
    ...(testEnv.controllers !== null && { kubectl: testEnv.controllers.kubectl }),
    dir: testEnv.dir,
    startedAt: new Date().toISOString(),
  });
  process.stdout.write(`kube-testenv: serving ${testEnv.server} (pid ${process.pid})\n`);
  // Stay alive until a signal: an existing cluster has no child to keep the event loop busy.
  setInterval(() => {}, 1 << 30);
  return new Promise<number>(() => {});
}

async function printEnv(io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const state = await readLiveState(statePaths(env).state);
  if (!state) throw notRunning();
  io.out(renderExports(state));
  return 0;
}

async function down(io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const paths = statePaths(env);
  const state = await readLiveState(paths.state);
  if (!state) {
    io.err('kube-testenv: nothing running\n');
    return 0;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (processAlive(state.pid) && Date.now() < deadline) await sleep(100);
  if (processAlive(state.pid)) {
    // Its watchdog removes the children and the temp dir once it is gone.
    process.kill(state.pid, 'SIGKILL');
  }
  await rm(paths.state, { force: true });
  io.err(`kube-testenv: stopped (pid ${state.pid})\n`);
  return 0;
}

function notRunning(): KubeTestEnvError {
  return new KubeTestEnvError(errorCodes.notRunning, 'no test env is running; start one with `npm run testenv -- up`');
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}
