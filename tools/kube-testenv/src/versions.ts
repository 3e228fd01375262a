/**
 * What `ensureBinaries` builds. The wrapper modules in `go/` pin the same versions (a test checks it): bump them
 * together, then run `go mod tidy` in each wrapper (see README, "Bumping versions").
 */
export const kubernetesVersion = 'v1.36.4';

/** The etcd server matching the etcd client that k8s.io/kubernetes at `kubernetesVersion` requires. */
export const etcdVersion = 'v3.6.8';

/** Publication time of k8s.io/kubernetes at `kubernetesVersion` (the module proxy's `.info`): a reproducible buildDate. */
export const kubernetesBuildDate = '2026-08-20T11:51:43Z';

/** Bumped when the build recipe (flags, ldflags) changes, so binaries cached by an older recipe get rebuilt. */
export const buildRecipe = 1;

/** Name of the cache directory holding one built pair. */
export const binariesKey = `k8s-${kubernetesVersion}-etcd-${etcdVersion}`;

/** KWOK (sigs.k8s.io/kwok, its own wrapper module go/kwok): fake Nodes for the controllers' test control plane. */
export const kwokVersion = 'v0.8.0';

/** Bumped when the controllers' build recipe changes. */
export const controllersRecipe = 1;

/** Name of the cache directory holding kube-controller-manager, kube-scheduler, kubectl and kwok. */
export const controllersKey = `controllers-k8s-${kubernetesVersion}-kwok-${kwokVersion}`;
