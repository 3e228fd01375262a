export { binaryVersion, type BinaryKind } from './binary-version.ts';
export { resolveCacheDir } from './cache-dir.ts';
export { ensureBinaries, stderrLog, type Binaries, type EnsureBinariesOptions } from './ensure-binaries.ts';
export {
  ensureJaeger,
  jaegerVersion,
  resolveJaegerCacheDir,
  type EnsureJaegerOptions,
  type JaegerBinary,
} from './ensure-jaeger.ts';
export { errorCodes, KubeTestEnvError, type KubeTestEnvErrorCode } from './errors.ts';
export { ensureControllerBinaries, type ControllerBinaries } from './ensure-controller-binaries.ts';
export { fakeNode, fakeNodeAnnotation, fakeNodeName, type ControllersOptions } from './controllers.ts';
export { existingKubeconfigPath, useExistingCluster, wantsExistingCluster } from './existing-cluster.ts';
export { checkGoVersion, defaultGoFallbacks, findGo, minimumGoVersion, type FindGoOptions } from './find-go.ts';
export { freePorts } from './free-ports.ts';
export { kubeRequest, type KubeRequest, type KubeResponse, type KubeTarget } from './kube-request.ts';
export { renderKubeconfig, type KubeconfigParts } from './kubeconfig.ts';
export { setupTestEnv, type TeardownHost } from './setup-test-env.ts';
export { startTestEnv, type StartTestEnvOptions } from './start-test-env.ts';
export type { TestEnv, TestEnvUser } from './test-env.ts';
export { binariesKey, controllersKey, etcdVersion, kubernetesVersion, kwokVersion } from './versions.ts';
