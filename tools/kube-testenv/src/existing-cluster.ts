import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { errorCodes, KubeTestEnvError } from './errors.ts';
import type { TestEnv } from './test-env.ts';

const execFileAsync = promisify(execFile);

/** Whether tests should use an existing cluster instead of starting one: `ALB_TESTENV_USE_EXISTING_CLUSTER=1|true`. */
export function wantsExistingCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.ALB_TESTENV_USE_EXISTING_CLUSTER ?? '');
}

/** ALB_TESTENV_KUBECONFIG, else the first file of KUBECONFIG, else ~/.kube/config. */
export function existingKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromList = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p !== '');
  return env.ALB_TESTENV_KUBECONFIG || fromList || join(env.HOME || homedir(), '.kube', 'config');
}

type KubeconfigJson = {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  clusters?: Array<{
    name: string;
    cluster: { server: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean };
  }>;
  users?: Array<{
    name: string;
    user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string };
  }>;
};

/**
 * The current context of an existing cluster's kubeconfig as a TestEnv whose stop() does nothing. YAML is read
 * through `kubectl config view --raw -o json` (this tool has no YAML parser); a JSON kubeconfig needs no kubectl.
 */
export async function useExistingCluster(env: NodeJS.ProcessEnv = process.env): Promise<TestEnv> {
  const path = existingKubeconfigPath(env);
  const config = await readKubeconfig(path, env);
  const contextName = config['current-context'];
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context?.user)?.user ?? {};
  if (!cluster?.server) {
    throw new KubeTestEnvError(
      errorCodes.existingCluster,
      `${path}: no server for the current context "${contextName}".`,
    );
  }
  return {
    kind: 'existing',
    kubeconfigPath: path,
    server: cluster.server,
    ...(user.token !== undefined && { token: user.token }),
    ...(cluster['certificate-authority-data'] !== undefined && { caData: cluster['certificate-authority-data'] }),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    ...(user['client-certificate-data'] !== undefined && { clientCertData: user['client-certificate-data'] }),
    ...(user['client-key-data'] !== undefined && { clientKeyData: user['client-key-data'] }),
    userTokens: {},
    versions: null,
    dir: null,
    ports: null,
    pids: null,
    logs: null,
    controllers: null,
    stop: async () => {},
  };
}

async function readKubeconfig(path: string, env: NodeJS.ProcessEnv): Promise<KubeconfigJson> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new KubeTestEnvError(
      errorCodes.existingCluster,
      `ALB_TESTENV_USE_EXISTING_CLUSTER is set but the kubeconfig ${path} cannot be read ` +
        `(set ALB_TESTENV_KUBECONFIG or KUBECONFIG): ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    return JSON.parse(text) as KubeconfigJson;
  } catch {
    // YAML: let kubectl read it (it also inlines file references with --raw --flatten)
  }
  try {
    const { stdout } = await execFileAsync(
      'kubectl',
      ['config', 'view', '--raw', '--flatten', '--minify', '-o', 'json', '--kubeconfig', path],
      { env, maxBuffer: 16 << 20 },
    );
    return JSON.parse(stdout) as KubeconfigJson;
  } catch (err) {
    throw new KubeTestEnvError(
      errorCodes.existingCluster,
      `cannot read the YAML kubeconfig ${path}: \`kubectl config view\` failed (${(err as Error).message.split('\n')[0]}). ` +
        `Install kubectl, or convert the kubeconfig to JSON (\`kubectl config view --raw --flatten -o json\`).`,
      { cause: err },
    );
  }
}
