import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { errorCodes, KubeTestEnvError } from './errors.ts';

const execFileAsync = promisify(execFile);

/** Where Go is looked for when it is not on PATH (the official tarball's place). */
export const defaultGoFallbacks: readonly string[] = ['/usr/local/go/bin/go'];

/** The oldest Go that understands the wrapper modules' `tool` directives. */
export const minimumGoVersion = '1.24';

export type FindGoOptions = {
  /** A go binary to use as is (also `ALB_TESTENV_GO`). */
  go?: string;
  /** Environment to read PATH and ALB_TESTENV_GO from; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Paths tried after PATH; defaults to `defaultGoFallbacks`. */
  goFallbacks?: readonly string[];
};

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Finds a go binary: the explicit one, then PATH, then the fallbacks. Throws ALB_TESTENV_NO_GO. */
export async function findGo(opts: FindGoOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const explicit = opts.go ?? env.ALB_TESTENV_GO;
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw noGo(`ALB_TESTENV_GO / the go option points at ${explicit}, which is not an executable file.`);
  }
  const onPath = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const candidates = [...onPath.map((dir) => join(dir, 'go')), ...(opts.goFallbacks ?? defaultGoFallbacks)];
  for (const candidate of candidates) if (await isExecutable(candidate)) return candidate;
  const fallbacks = (opts.goFallbacks ?? defaultGoFallbacks).join(', ') || 'no fallback paths';
  throw noGo(`No \`go\` was found on PATH nor at ${fallbacks}.`);
}

function noGo(why: string): KubeTestEnvError {
  return new KubeTestEnvError(
    errorCodes.noGo,
    `${why} Go ${minimumGoVersion}+ is needed once, to build kube-apiserver and etcd into the cache. ` +
      `Install Go ${minimumGoVersion} or newer (put \`go\` on PATH), or set ALB_TESTENV_BIN_DIR to a directory ` +
      `holding prebuilt kube-apiserver and etcd binaries.`,
  );
}

/** The go binary's own version, e.g. `go1.26.8`. Throws ALB_TESTENV_GO_TOO_OLD below `minimumGoVersion`. */
export async function checkGoVersion(go: string, env: NodeJS.ProcessEnv): Promise<string> {
  let version: string;
  try {
    // GOTOOLCHAIN=local: the installed toolchain's version, not one it would switch to.
    const { stdout } = await execFileAsync(go, ['env', 'GOVERSION'], { env: { ...env, GOTOOLCHAIN: 'local' } });
    version = stdout.trim();
  } catch (err) {
    throw new KubeTestEnvError(errorCodes.noGo, `${go} did not run (\`go env GOVERSION\` failed).`, { cause: err });
  }
  const m = /^go(\d+)\.(\d+)/.exec(version);
  const [wantMajor, wantMinor] = minimumGoVersion.split('.').map(Number) as [number, number];
  if (m && (Number(m[1]) < wantMajor || (Number(m[1]) === wantMajor && Number(m[2]) < wantMinor))) {
    throw new KubeTestEnvError(
      errorCodes.goTooOld,
      `${go} is ${version}; Go ${minimumGoVersion}+ is needed to build kube-apiserver and etcd. Install a newer Go, ` +
        `or set ALB_TESTENV_BIN_DIR to a directory holding prebuilt kube-apiserver and etcd binaries.`,
    );
  }
  return version;
}
