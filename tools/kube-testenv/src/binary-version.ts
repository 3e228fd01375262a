import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type BinaryKind = 'kube-apiserver' | 'etcd' | 'kube-controller-manager' | 'kube-scheduler' | 'kubectl' | 'kwok';

/** How each binary says its version, and where in its output. */
const probes: Record<BinaryKind, { args: string[]; pattern: RegExp }> = {
  'kube-apiserver': { args: ['--version'], pattern: /Kubernetes (v\S+)/ },
  'kube-controller-manager': { args: ['--version'], pattern: /Kubernetes (v\S+)/ },
  'kube-scheduler': { args: ['--version'], pattern: /Kubernetes (v\S+)/ },
  kubectl: { args: ['version', '--client'], pattern: /Client Version: (v\S+)/ },
  etcd: { args: ['--version'], pattern: /etcd Version: (\S+)/ },
  kwok: { args: ['--version'], pattern: /version (v?\d+\.\d+\.\d+\S*)/ },
};

/**
 * Runs the binary's version command and returns the version it reports as `vX.Y.Z` (kube-apiserver prints
 * `Kubernetes v1.36.4`, etcd `etcd Version: 3.6.8`, kubectl `Client Version: v1.36.4`, kwok `kwok version v0.8.0`),
 * or null when the binary does not run or says something else.
 */
export async function binaryVersion(bin: string, kind: BinaryKind): Promise<string | null> {
  const probe = probes[kind];
  try {
    const { stdout } = await execFileAsync(bin, probe.args, { timeout: 30_000 });
    const m = probe.pattern.exec(stdout);
    if (!m?.[1]) return null;
    return m[1].startsWith('v') ? m[1] : `v${m[1]}`;
  } catch {
    return null;
  }
}
