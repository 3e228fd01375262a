import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveCacheDir } from './cache-dir.ts';
import { processAlive } from './process-alive.ts';

/** What `testenv up` leaves for `env` and `down`: the detached server process and how to reach its cluster. */
export type CliState = {
  pid: number;
  kind: 'local' | 'existing';
  kubeconfigPath: string;
  server: string;
  token?: string;
  userTokens: Record<string, string>;
  /** With `--with controllers`: the kubectl built with them. */
  kubectl?: string;
  dir: string | null;
  startedAt: string;
};

export function statePaths(env: NodeJS.ProcessEnv = process.env): { state: string; log: string } {
  const run = join(resolveCacheDir(env), 'run');
  return { state: join(run, 'state.json'), log: join(run, 'testenv.log') };
}

export async function readState(path: string): Promise<CliState | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as CliState;
  } catch {
    return null;
  }
}

/** The state of a running env; a state file whose process is gone is removed. */
export async function readLiveState(path: string): Promise<CliState | null> {
  const state = await readState(path);
  if (state && Number.isInteger(state.pid) && state.pid > 1 && processAlive(state.pid)) return state;
  if (state) await rm(path, { force: true });
  return null;
}

export async function writeState(path: string, state: CliState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Write then rename, so `up` polling for it never reads half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Shell lines for `eval`: KUBECONFIG for kubectl and clients, the rest for tests and curl. */
export function renderExports(state: CliState): string {
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const lines = [
    `export KUBECONFIG=${q(state.kubeconfigPath)}`,
    `export ALB_TESTENV_KUBECONFIG=${q(state.kubeconfigPath)}`,
    `export ALB_TESTENV_SERVER=${q(state.server)}`,
  ];
  if (state.token !== undefined) lines.push(`export ALB_TESTENV_TOKEN=${q(state.token)}`);
  if (state.kubectl !== undefined) lines.push(`export ALB_TESTENV_KUBECTL=${q(state.kubectl)}`);
  for (const [name, token] of Object.entries(state.userTokens)) lines.push(`# user ${name}: token ${token}`);
  return `${lines.join('\n')}\n`;
}
