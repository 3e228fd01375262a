import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryVersion } from './binary-version.ts';
import { resolveCacheDir } from './cache-dir.ts';
import { errorCodes, KubeTestEnvError } from './errors.ts';
import { withFileLock } from './file-lock.ts';
import { checkGoVersion, findGo } from './find-go.ts';
import { goBuild } from './go-build.ts';
import { binariesKey, buildRecipe, etcdVersion, kubernetesBuildDate, kubernetesVersion } from './versions.ts';

export type EnsureBinariesOptions = {
  /** Environment to read ALB_TESTENV_* , PATH and HOME from, and to run go with; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directory with prebuilt `kube-apiserver` and `etcd`; overrides ALB_TESTENV_BIN_DIR. Nothing is built then. */
  binDir?: string;
  /** Cache root; overrides ALB_TESTENV_CACHE (default `$HOME/.cache/alb-kube-testenv`). */
  cacheDir?: string;
  /** A go binary; overrides ALB_TESTENV_GO. */
  go?: string;
  /** Where go is looked for after PATH; defaults to `/usr/local/go/bin/go`. */
  goFallbacks?: readonly string[];
  /** Progress lines; defaults to stderr with a `[kube-testenv]` prefix. */
  log?: (line: string) => void;
  /** How long to wait for another process's build; default 45 minutes. */
  lockTimeoutMs?: number;
};

export type Binaries = {
  kubeApiserver: string;
  etcd: string;
  dir: string;
  /** `bin-dir`: ALB_TESTENV_BIN_DIR; `cache`: built before; `built`: built by this call. */
  source: 'bin-dir' | 'cache' | 'built';
  /** What the binaries report (`--version`), e.g. `v1.36.4` and `v3.6.8`. */
  kubernetesVersion: string;
  etcdVersion: string;
};

type Manifest = { kubernetesVersion: string; etcdVersion: string; recipe: number; goVersion: string; builtAt: string };

const wrapperDir = fileURLToPath(new URL('../go/', import.meta.url));

/** Default progress printer: stderr, so it shows in CI logs and does not mix with TAP on stdout. */
export function stderrLog(line: string): void {
  process.stderr.write(`[kube-testenv] ${line}\n`);
}

/**
 * Returns runnable kube-apiserver and etcd: from ALB_TESTENV_BIN_DIR when set, else from the cache, else built
 * from the pinned Go modules into the cache (minutes, once per version; concurrent callers wait on a lock).
 */
export async function ensureBinaries(opts: EnsureBinariesOptions = {}): Promise<Binaries> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? stderrLog;
  const binDir = opts.binDir ?? env.ALB_TESTENV_BIN_DIR;
  if (binDir) return fromBinDir(binDir);

  const cacheRoot = opts.cacheDir ?? resolveCacheDir(env);
  const dir = join(cacheRoot, binariesKey);
  const cached = await fromCache(dir);
  if (cached) return cached;

  // Look for Go before taking the lock: a missing Go should fail at once, with the message that says what to do.
  const go = await findGo({ env, ...(opts.go !== undefined && { go: opts.go }), goFallbacks: opts.goFallbacks });
  const goVersion = await checkGoVersion(go, env);
  await mkdir(cacheRoot, { recursive: true });
  return withFileLock(
    join(cacheRoot, `${binariesKey}.lock`),
    async () => {
      // Someone else may have finished the build while we waited.
      const built = await fromCache(dir);
      if (built) return built;
      await build({ go, goVersion, env, log, cacheRoot, dir });
      const fresh = await fromCache(dir);
      if (!fresh) {
        throw new KubeTestEnvError(
          errorCodes.buildFailed,
          `the binaries built into ${dir} do not report the pinned versions`,
        );
      }
      return { ...fresh, source: 'built' as const };
    },
    {
      ...(opts.lockTimeoutMs !== undefined && { timeoutMs: opts.lockTimeoutMs }),
      onWait: (holder) => log(`waiting for another process building ${binariesKey} (${holder})`),
    },
  );
}

async function fromBinDir(dir: string): Promise<Binaries> {
  const kubeApiserver = join(dir, 'kube-apiserver');
  const etcd = join(dir, 'etcd');
  const [k, e] = await Promise.all([binaryVersion(kubeApiserver, 'kube-apiserver'), binaryVersion(etcd, 'etcd')]);
  if (!k || !e) {
    const bad = [!k && kubeApiserver, !e && etcd].filter(Boolean).join(' and ');
    throw new KubeTestEnvError(
      errorCodes.binDirInvalid,
      `ALB_TESTENV_BIN_DIR=${dir}: ${bad} missing or not runnable (\`--version\` failed). ` +
        `Point it at a directory holding both binaries, or unset it to build them with Go.`,
    );
  }
  return { kubeApiserver, etcd, dir, source: 'bin-dir', kubernetesVersion: k, etcdVersion: e };
}

/** The cached pair when it exists, was built by this recipe and runs; otherwise null (a rebuild replaces it). */
async function fromCache(dir: string): Promise<Binaries | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  const kubeApiserver = join(dir, 'kube-apiserver');
  const etcd = join(dir, 'etcd');
  const [k, e] = await Promise.all([binaryVersion(kubeApiserver, 'kube-apiserver'), binaryVersion(etcd, 'etcd')]);
  if (manifest.recipe !== buildRecipe || k !== kubernetesVersion || e !== etcdVersion) return null;
  return { kubeApiserver, etcd, dir, source: 'cache', kubernetesVersion: k, etcdVersion: e };
}

async function build(ctx: {
  go: string;
  goVersion: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  cacheRoot: string;
  dir: string;
}): Promise<void> {
  const { go, goVersion, env, log } = ctx;
  const started = Date.now();
  log(`building kube-apiserver ${kubernetesVersion} and etcd ${etcdVersion} with ${go} (${goVersion})`);
  log(`into ${ctx.dir}; this happens once per version and takes a few minutes (downloads + compile)`);
  // Build next to the final place, then rename: a reader never sees half a pair, and a crash leaves only a tmp dir.
  const tmp = await mkdtemp(join(ctx.cacheRoot, `.build-${binariesKey}-`));
  try {
    const steps = [
      {
        name: 'etcd',
        moduleDir: join(wrapperDir, 'etcd'),
        pkg: 'go.etcd.io/etcd/server/v3',
        ldflags: `-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${etcdVersion}`,
      },
      {
        name: 'kube-apiserver',
        moduleDir: join(wrapperDir, 'kubernetes'),
        pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
        ldflags: ['-s', '-w', ...kubeVersionLdflags()].join(' '),
      },
    ];
    for (const step of steps) {
      const t0 = Date.now();
      log(`go build ${step.pkg} (${step.name})`);
      await goBuild({
        go,
        env,
        log,
        moduleDir: step.moduleDir,
        pkg: step.pkg,
        ldflags: step.ldflags,
        output: join(tmp, step.name),
      });
      log(`built ${step.name} in ${Math.round((Date.now() - t0) / 1000)}s`);
    }
    const manifest: Manifest = {
      kubernetesVersion,
      etcdVersion,
      recipe: buildRecipe,
      goVersion,
      builtAt: new Date().toISOString(),
    };
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await chmod(tmp, 0o755); // mkdtemp made it private; the binaries are not secret
    await rm(ctx.dir, { recursive: true, force: true });
    try {
      await rename(tmp, ctx.dir);
    } catch (err) {
      // Another builder (one that took over a lock it thought stale) got there first: theirs is as good.
      if (!(await stat(ctx.dir).catch(() => null))) throw err;
    }
    log(`done in ${Math.round((Date.now() - started) / 1000)}s`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** What Kubernetes' hack/lib/version.sh sets, so `/version` and `--version` report the real release. */
function kubeVersionLdflags(): string[] {
  const [major, minor] = kubernetesVersion.slice(1).split('.');
  const vars: Record<string, string> = {
    gitVersion: kubernetesVersion,
    gitCommit: '', // not in the module zip; empty beats the source's `$Format:%H$` placeholder
    gitMajor: major ?? '',
    gitMinor: minor ?? '',
    gitTreeState: 'clean',
    buildDate: kubernetesBuildDate,
  };
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) =>
    Object.entries(vars).map(([key, value]) => `-X ${pkg}.${key}=${value}`),
  );
}
