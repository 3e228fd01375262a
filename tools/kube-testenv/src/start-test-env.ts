import { generateKeyPair } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createFakeNodes, startControllers, type ControllersOptions } from './controllers.ts';
import { ensureBinaries, type Binaries, type EnsureBinariesOptions } from './ensure-binaries.ts';
import { ensureControllerBinaries, type ControllerBinaries } from './ensure-controller-binaries.ts';
import { errorCodes, KubeTestEnvError } from './errors.ts';
import { onProcessExit } from './exit-hook.ts';
import { useExistingCluster, wantsExistingCluster } from './existing-cluster.ts';
import { freePorts } from './free-ports.ts';
import { kubeRequest, type KubeTarget } from './kube-request.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import type { TestEnv, TestEnvUser } from './test-env.ts';
import { adminUser, randomToken, renderTokenFile } from './token-file.ts';
import { startWatchdog } from './watchdog-client.ts';

export type StartTestEnvOptions = EnsureBinariesOptions & {
  /** Extra users in the static token file (their tokens come back in `userTokens`). Local clusters only. */
  users?: readonly TestEnvUser[];
  /** Default: random. */
  adminToken?: string;
  /** Use the cluster of an existing kubeconfig instead; default: ALB_TESTENV_USE_EXISTING_CLUSTER=1. */
  useExistingCluster?: boolean;
  /** Already resolved binaries (skips ensureBinaries). */
  binaries?: Binaries;
  /** Where the temp dir is made; default os.tmpdir(). */
  tmpDir?: string;
  /** Until /readyz answers 200 and the default namespace exists; default 120 s (a loaded 2-core CI is slow). */
  startTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL, per process; default 10 s. */
  stopTimeoutMs?: number;
  /** Appended to the API server's / etcd's flags: a scalar flag given again wins over ours, a list flag adds. */
  apiserverArgs?: readonly string[];
  etcdArgs?: readonly string[];
  /**
   * Also run kube-controller-manager, kube-scheduler and KWOK with fake Nodes (`true` = 3 nodes): Deployments get
   * Pods that become Running/Ready, garbage collection and EndpointSlices work, and `env.controllers.kubectl` is a
   * kubectl of the same version. Built once into the cache like the API server (several minutes the first time).
   */
  controllers?: boolean | ControllersOptions;
  /** Already resolved controller binaries (skips ensureControllerBinaries). */
  controllerBinaries?: ControllerBinaries;
};

const generateKeyPairAsync = promisify(generateKeyPair);

/** Port clashes (another process took a port between freePorts and bind) are retried with new ports. */
const maxAttempts = 3;

/**
 * Starts etcd and kube-apiserver on free 127.0.0.1 ports with a static admin token and RBAC, waits until they
 * serve, and writes a kubeconfig. With ALB_TESTENV_USE_EXISTING_CLUSTER=1, returns the existing cluster instead.
 */
export async function startTestEnv(opts: StartTestEnvOptions = {}): Promise<TestEnv> {
  const env = opts.env ?? process.env;
  if (opts.useExistingCluster ?? wantsExistingCluster(env)) return useExistingCluster(env);

  const binaries = opts.binaries ?? (await ensureBinaries(opts));
  const controllers = opts.controllers === true ? {} : opts.controllers === false ? undefined : opts.controllers;
  // Build before anything starts, so a first build does not count against the start timeout.
  const controllerBinaries =
    controllers === undefined ? null : (opts.controllerBinaries ?? (await ensureControllerBinaries(opts)));
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'alb-kube-testenv-'));
  const watchdog = startWatchdog();
  watchdog.guardDir(dir);
  const processes: ServerProcess[] = [];
  const unregisterExit = onProcessExit(() => {
    for (const p of processes) {
      try {
        if (!p.exit() && p.pid > 0) process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const stopAll = async () => {
    const grace = opts.stopTimeoutMs ?? 10_000;
    // The API server first: with etcd gone, its shutdown waits on storage.
    for (const p of [...processes].reverse()) await p.stop(grace);
    processes.length = 0;
  };

  try {
    const adminToken = opts.adminToken ?? randomToken();
    const users = (opts.users ?? []).map((u) => ({
      name: u.name,
      token: u.token ?? randomToken(),
      uid: u.uid ?? `${u.name}-uid`,
      groups: u.groups ?? [],
    }));
    const tokenFile = join(dir, 'tokens.csv');
    await writeFile(tokenFile, renderTokenFile([{ ...adminUser, token: adminToken }, ...users]), { mode: 0o600 });
    const saKey = join(dir, 'service-account.key');
    const { privateKey } = await generateKeyPairAsync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await writeFile(saKey, privateKey, { mode: 0o600 });

    const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
    for (let attempt = 1; ; attempt++) {
      const [apiserverPort, etcdClient, etcdPeer] = (await freePorts(3)) as [number, number, number];
      const run = join(dir, `run-${attempt}`);
      await mkdir(run);
      try {
        const etcd = startServerProcess(
          'etcd',
          binaries.etcd,
          etcdFlags({ dataDir: join(run, 'etcd'), etcdClient, etcdPeer, extra: opts.etcdArgs ?? [] }),
          join(run, 'etcd.log'),
        );
        processes.push(etcd);
        watchdog.guardPid(etcd.pid);
        await waitFor(etcd, deadline, async () => {
          const res = await fetch(`http://127.0.0.1:${etcdClient}/health`, { signal: AbortSignal.timeout(2000) });
          return res.ok && ((await res.json()) as { health?: string }).health === 'true';
        });

        const server = `https://127.0.0.1:${apiserverPort}`;
        const certDir = join(run, 'apiserver-certs');
        const startApiserver = () => {
          const started = startServerProcess(
            'kube-apiserver',
            binaries.kubeApiserver,
            apiserverFlags({
              apiserverPort,
              etcdClient,
              certDir,
              tokenFile,
              saKey,
              // With a controller-manager, the ServiceAccount controller creates `default` in every namespace, so
              // the admission plugin (Pods get their service account and its token volume) can stay on.
              serviceAccountAdmission: controllerBinaries !== null,
              extra: opts.apiserverArgs ?? [],
            }),
            join(run, 'kube-apiserver.log'),
          );
          processes.push(started);
          watchdog.guardPid(started.pid);
          return started;
        };
        let apiserver = startApiserver();
        const insecure: KubeTarget = { server, token: adminToken, insecureSkipTlsVerify: true };
        await waitFor(
          apiserver,
          deadline,
          async () => (await kubeRequest(insecure, { path: '/readyz' })).status === 200,
        );
        // The bootstrap controller creates `default` shortly after readiness; tests expect it (and RBAC roles,
        // which /readyz already waited for).
        await waitFor(apiserver, deadline, async () => {
          return (await kubeRequest(insecure, { path: '/api/v1/namespaces/default' })).status === 200;
        });

        const caData = await verifiedCa(join(certDir, 'apiserver.crt'), insecure);
        const kubeconfigPath = join(dir, 'kubeconfig');
        await writeFile(kubeconfigPath, renderKubeconfig({ server, token: adminToken, caData }), { mode: 0o600 });

        let stopping: Promise<void> | null = null;
        const pids: NonNullable<TestEnv['pids']> = { apiserver: apiserver.pid, etcd: etcd.pid };
        const logs: NonNullable<TestEnv['logs']> = { apiserver: apiserver.logFile, etcd: etcd.logFile };
        let started: TestEnv['controllers'] = null;
        if (controllerBinaries !== null) {
          const secure: KubeTarget = {
            server,
            token: adminToken,
            insecureSkipTlsVerify: caData === undefined,
            ...(caData !== undefined && { caData }),
          };
          const running = startControllers({
            binaries: controllerBinaries,
            kubeconfig: kubeconfigPath,
            dir: run,
            saKey,
            rootCa: join(certDir, 'apiserver.crt'),
          });
          for (const p of Object.values(running)) {
            processes.push(p);
            watchdog.guardPid(p.pid);
          }
          pids.controllerManager = running.controllerManager.pid;
          pids.scheduler = running.scheduler.pid;
          pids.kwok = running.kwok.pid;
          logs.controllerManager = running.controllerManager.logFile;
          logs.scheduler = running.scheduler.logFile;
          logs.kwok = running.kwok.logFile;
          // The ServiceAccount controller's first act: `default` in `default`. Then the fake Nodes, Ready.
          await waitFor(running.controllerManager, deadline, async () => {
            return (
              (await kubeRequest(secure, { path: '/api/v1/namespaces/default/serviceaccounts/default' })).status === 200
            );
          });
          const nodes = await createFakeNodes(secure, controllers?.nodes ?? 3, (what, ready) =>
            waitFor(running.kwok, deadline, ready).catch((err: unknown) => {
              throw err instanceof KubeTestEnvError
                ? new KubeTestEnvError(err.code, `waiting for ${what}: ${err.message}`)
                : err;
            }),
          );
          started = { kubectl: controllerBinaries.kubectl, nodes, kwokVersion: controllerBinaries.kwokVersion };
        }
        return {
          kind: 'local',
          kubeconfigPath,
          server,
          token: adminToken,
          ...(caData !== undefined && { caData }),
          insecureSkipTlsVerify: caData === undefined,
          userTokens: Object.fromEntries(users.map((u) => [u.name, u.token])),
          versions: { kubernetes: binaries.kubernetesVersion, etcd: binaries.etcdVersion },
          dir,
          ports: { apiserver: apiserverPort, etcdClient, etcdPeer },
          pids,
          logs,
          controllers: started,
          async stopApiserver() {
            // SIGKILL: what a crash or a lost node looks like to clients (no graceful goodbye).
            await apiserver.stop(0);
          },
          async startApiserver() {
            if (apiserver.exit() === null) return;
            apiserver = startApiserver();
            pids.apiserver = apiserver.pid;
            const until = Date.now() + (opts.startTimeoutMs ?? 120_000);
            await waitFor(
              apiserver,
              until,
              async () => (await kubeRequest(insecure, { path: '/readyz' })).status === 200,
            );
          },
          stop() {
            stopping ??= (async () => {
              await stopAll();
              unregisterExit();
              watchdog.release();
              await rm(dir, { recursive: true, force: true, maxRetries: 5 });
            })();
            return stopping;
          },
        };
      } catch (err) {
        const clash = processes.some((p) => p.exit() && /address already in use/.test(p.logTail(50)));
        await stopAll();
        if (!clash || attempt >= maxAttempts || Date.now() > deadline) throw err;
      }
    }
  } catch (err) {
    await stopAll();
    unregisterExit();
    watchdog.release();
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    throw err;
  }
}

function etcdFlags(o: { dataDir: string; etcdClient: number; etcdPeer: number; extra: readonly string[] }): string[] {
  const client = `http://127.0.0.1:${o.etcdClient}`;
  const peer = `http://127.0.0.1:${o.etcdPeer}`;
  return [
    `--data-dir=${o.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // Test data is thrown away: skipping fsync makes every write much faster.
    '--unsafe-no-fsync',
    ...o.extra,
  ];
}

function apiserverFlags(o: {
  apiserverPort: number;
  etcdClient: number;
  certDir: string;
  tokenFile: string;
  saKey: string;
  serviceAccountAdmission: boolean;
  extra: readonly string[];
}): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${o.etcdClient}`,
    `--cert-dir=${o.certDir}`,
    `--secure-port=${o.apiserverPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    '--authorization-mode=RBAC',
    `--token-auth-file=${o.tokenFile}`,
    `--service-account-key-file=${o.saKey}`,
    `--service-account-signing-key-file=${o.saKey}`,
    `--service-account-issuer=https://127.0.0.1:${o.apiserverPort}`,
    // Without a controller-manager nothing creates the `default` ServiceAccount, which this plugin requires of Pods.
    ...(o.serviceAccountAdmission ? [] : ['--disable-admission-plugins=ServiceAccount']),
    '--profiling=false',
    ...o.extra,
  ];
}

/** Polls `ready` until it returns true; fails fast if the process exits, or at the deadline. */
async function waitFor(proc: ServerProcess, deadline: number, ready: () => Promise<boolean>): Promise<void> {
  for (;;) {
    const exit = proc.exit();
    if (exit) {
      throw new KubeTestEnvError(
        errorCodes.processExited,
        `${proc.name} exited while starting (${exit.signal ?? `exit ${exit.code}`}); last log lines ` +
          `(${proc.logFile}):\n${proc.logTail()}`,
      );
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new KubeTestEnvError(
        errorCodes.startTimeout,
        `${proc.name} was not ready in time; last log lines (${proc.logFile}):\n${proc.logTail()}`,
      );
    }
    await sleep(100);
  }
}

/**
 * The API server's self-signed bundle (serving cert + its CA, written to --cert-dir) as base64, if a request that
 * verifies the server against it succeeds; otherwise undefined and the kubeconfig skips verification.
 */
async function verifiedCa(certFile: string, target: KubeTarget): Promise<string | undefined> {
  try {
    const caData = (await readFile(certFile)).toString('base64');
    const res = await kubeRequest({ ...target, caData, insecureSkipTlsVerify: false }, { path: '/version' });
    return res.status === 200 ? caData : undefined;
  } catch {
    return undefined;
  }
}
