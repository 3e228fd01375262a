import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type BinaryKind = 'kube-apiserver' | 'etcd';

/**
 * Runs `<bin> --version` and returns the version it reports as `vX.Y.Z` (kube-apiserver prints
 * `Kubernetes v1.36.4`, etcd `etcd Version: 3.6.8`), or null when the binary does not run or says something else.
 */
export async function binaryVersion(bin: string, kind: BinaryKind): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync(bin, ['--version'], { timeout: 30_000 });
    const m = kind === 'kube-apiserver' ? /Kubernetes (v\S+)/.exec(stdout) : /etcd Version: (\S+)/.exec(stdout);
    if (!m?.[1]) return null;
    return m[1].startsWith('v') ? m[1] : `v${m[1]}`;
  } catch {
    return null;
  }
}
