import { fileURLToPath } from 'node:url';
import { ensureBinarySet, type BinarySet } from './binary-set.ts';
import { kubeVersionLdflags, stderrLog, type EnsureBinariesOptions } from './ensure-binaries.ts';
import { controllersKey, controllersRecipe, kubernetesVersion, kwokVersion } from './versions.ts';

export type ControllerBinaries = {
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  /** The KWOK stages the fake nodes run (this package's kwok/stages.yaml). */
  kwokStages: string;
  dir: string;
  source: 'bin-dir' | 'cache' | 'built';
  kubernetesVersion: string;
  kwokVersion: string;
};

const kube = (name: 'kube-controller-manager' | 'kube-scheduler' | 'kubectl') => ({
  name,
  module: 'kubernetes' as const,
  pkg: `k8s.io/kubernetes/cmd/${name}`,
  ldflags: ['-s', '-w', ...kubeVersionLdflags()].join(' '),
  version: kubernetesVersion,
});

/** What `--with controllers` runs: built from go/kubernetes (same version as the API server) and go/kwok. */
const controllersSet: BinarySet = {
  key: controllersKey,
  recipe: controllersRecipe,
  manifest: { kubernetesVersion, kwokVersion },
  steps: [
    kube('kube-controller-manager'),
    kube('kube-scheduler'),
    kube('kubectl'),
    { name: 'kwok', module: 'kwok', pkg: 'sigs.k8s.io/kwok/cmd/kwok', ldflags: '-s -w', version: kwokVersion },
  ],
};

/**
 * Returns runnable kube-controller-manager, kube-scheduler, kubectl and kwok: from ALB_TESTENV_BIN_DIR when set,
 * else from the cache, else built from the pinned Go modules into the cache (once per version, under a lock).
 */
export async function ensureControllerBinaries(opts: EnsureBinariesOptions = {}): Promise<ControllerBinaries> {
  const set = await ensureBinarySet(controllersSet, {
    ...opts,
    env: opts.env ?? process.env,
    log: opts.log ?? stderrLog,
  });
  return {
    kubeControllerManager: set.paths['kube-controller-manager']!,
    kubeScheduler: set.paths['kube-scheduler']!,
    kubectl: set.paths.kubectl!,
    kwok: set.paths.kwok!,
    kwokStages: fileURLToPath(new URL('../kwok/stages.yaml', import.meta.url)),
    dir: set.dir,
    source: set.source,
    kubernetesVersion: set.versions['kube-controller-manager']!,
    kwokVersion: set.versions.kwok!,
  };
}
