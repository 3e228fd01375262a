import { ensureBinarySet, type BinarySet } from './binary-set.ts';
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

/** Default progress printer: stderr, so it shows in CI logs and does not mix with TAP on stdout. */
export function stderrLog(line: string): void {
  process.stderr.write(`[kube-testenv] ${line}\n`);
}

/** kube-apiserver and etcd, built from the wrapper modules go/kubernetes and go/etcd. */
const apiserverSet: BinarySet = {
  key: binariesKey,
  recipe: buildRecipe,
  manifest: { kubernetesVersion, etcdVersion },
  steps: [
    {
      name: 'etcd',
      module: 'etcd',
      pkg: 'go.etcd.io/etcd/server/v3',
      ldflags: `-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${etcdVersion}`,
      version: etcdVersion,
    },
    {
      name: 'kube-apiserver',
      module: 'kubernetes',
      pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
      ldflags: ['-s', '-w', ...kubeVersionLdflags()].join(' '),
      version: kubernetesVersion,
    },
  ],
};

/**
 * Returns runnable kube-apiserver and etcd: from ALB_TESTENV_BIN_DIR when set, else from the cache, else built
 * from the pinned Go modules into the cache (minutes, once per version; concurrent callers wait on a lock).
 */
export async function ensureBinaries(opts: EnsureBinariesOptions = {}): Promise<Binaries> {
  const set = await ensureBinarySet(apiserverSet, {
    ...opts,
    env: opts.env ?? process.env,
    log: opts.log ?? stderrLog,
  });
  return {
    kubeApiserver: set.paths['kube-apiserver']!,
    etcd: set.paths.etcd!,
    dir: set.dir,
    source: set.source,
    kubernetesVersion: set.versions['kube-apiserver']!,
    etcdVersion: set.versions.etcd!,
  };
}

/** What Kubernetes' hack/lib/version.sh sets, so `/version` and `--version` report the real release. */
export function kubeVersionLdflags(): string[] {
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
