// Jaeger v2 (`cmd/jaeger`, the OpenTelemetry-collector based all-in-one) for tracing tests, built from the Go module
// proxy into a cache outside the repository, like kube-apiserver: once per version, under a lock file.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorCodes, KubeTestEnvError } from './errors.ts';
import { withFileLock } from './file-lock.ts';
import { checkGoVersion, findGo } from './find-go.ts';
import { goBuild, runGo } from './go-build.ts';

const execFileAsync = promisify(execFile);

export const jaegerVersion = 'v1.76.0';
const jaegerModule = 'github.com/jaegertracing/jaeger';
const jaegerPkg = `${jaegerModule}/cmd/jaeger`;

export type EnsureJaegerOptions = {
  /** Environment to read ALB_JAEGER_CACHE, PATH and HOME from, and to run go with; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Cache root; overrides ALB_JAEGER_CACHE (default `$HOME/.cache/alb-jaeger`). */
  cacheDir?: string;
  /** A go binary; overrides ALB_TESTENV_GO. */
  go?: string;
  /** Progress lines; defaults to stderr with a `[jaeger]` prefix. */
  log?: (line: string) => void;
  /** How long to wait for another process's build; default 45 minutes. */
  lockTimeoutMs?: number;
};

export type JaegerBinary = {
  path: string;
  /** `cache`: built before; `built`: built by this call. */
  source: 'cache' | 'built';
  /** What `jaeger version` reports. */
  version: string;
};

/** `ALB_JAEGER_CACHE`, else `$HOME/.cache/alb-jaeger`. */
export function resolveJaegerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ALB_JAEGER_CACHE || join(env.HOME || homedir(), '.cache', 'alb-jaeger');
}

/**
 * Returns a runnable jaeger at `<cache>/<version>/jaeger`, building it when missing (about 20 minutes cold: a few
 * hundred modules; concurrent callers wait on the lock). `go install jaeger@version` refuses the module (its go.mod
 * has a replace directive), so a wrapper module requiring it, with the same replace, is generated and tidied here.
 */
export async function ensureJaeger(opts: EnsureJaegerOptions = {}): Promise<JaegerBinary> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`[jaeger] ${line}\n`));
  const root = opts.cacheDir ?? resolveJaegerCacheDir(env);
  const dir = join(root, jaegerVersion);
  const path = join(dir, 'jaeger');
  if (await reportsPinnedVersion(path)) return { path, source: 'cache', version: jaegerVersion };

  const { go, goVersion } = await findJaegerGo(env, opts.go);
  await mkdir(root, { recursive: true });
  return withFileLock(
    join(root, `${jaegerVersion}.lock`),
    async () => {
      if (await reportsPinnedVersion(path)) return { path, source: 'cache' as const, version: jaegerVersion };
      const started = Date.now();
      log(`building jaeger ${jaegerVersion} with ${go} (${goVersion}) into ${dir}`);
      log('this happens once per version and takes about 20 minutes cold (downloads + compile)');
      const tmp = await mkdtemp(join(root, `.build-${jaegerVersion}-`));
      try {
        await writeFile(join(tmp, 'go.mod'), await wrapperGoMod(go, env, tmp));
        const common = { go, env, log, moduleDir: tmp };
        await runGo({ ...common, args: ['mod', 'tidy'], what: 'the jaeger wrapper module' });
        const ldflags = `-s -w -X ${jaegerModule}/internal/version.latestVersion=${jaegerVersion}`;
        await goBuild({ ...common, pkg: jaegerPkg, ldflags, output: join(tmp, 'jaeger') });
        if (!(await reportsPinnedVersion(join(tmp, 'jaeger')))) {
          throw new KubeTestEnvError(
            errorCodes.buildFailed,
            `the jaeger built in ${tmp} does not report ${jaegerVersion}`,
          );
        }
        await mkdir(dir, { recursive: true });
        await rename(join(tmp, 'jaeger'), path);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
      log(`built jaeger in ${Math.round((Date.now() - started) / 1000)}s`);
      return { path, source: 'built' as const, version: jaegerVersion };
    },
    {
      ...(opts.lockTimeoutMs !== undefined && { timeoutMs: opts.lockTimeoutMs }),
      onWait: (holder) => log(`waiting for another process building jaeger ${jaegerVersion} (${holder})`),
    },
  );
}

/** Go for the build; its errors say first that it is Jaeger that needs it. */
async function findJaegerGo(env: NodeJS.ProcessEnv, explicit?: string): Promise<{ go: string; goVersion: string }> {
  try {
    const go = await findGo({ env, ...(explicit !== undefined && { go: explicit }) });
    return { go, goVersion: await checkGoVersion(go, env) };
  } catch (err) {
    if (!(err instanceof KubeTestEnvError)) throw err;
    const why = `Jaeger ${jaegerVersion} for the tracing test is built once with Go into ~/.cache/alb-jaeger`;
    throw new KubeTestEnvError(err.code, `${why}: ${err.message}`, { cause: err });
  }
}

/**
 * The wrapper's go.mod: requires jaeger, `tool`s its command, and repeats jaeger's own replace directives (read from
 * its go.mod in the module cache) so the build resolves the versions jaeger is released with.
 */
async function wrapperGoMod(go: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', `${jaegerModule}@${jaegerVersion}`], {
    cwd,
    env: { ...env, GOWORK: 'off' },
    maxBuffer: 1 << 20,
  });
  const { GoMod } = JSON.parse(stdout) as { GoMod: string };
  const { stdout: edited } = await execFileAsync(go, ['mod', 'edit', '-json', GoMod], { env, maxBuffer: 8 << 20 });
  const replaces = (JSON.parse(edited) as { Replace?: GoModReplace[] }).Replace ?? [];
  return [
    'module example.invalid/alb-jaeger',
    '',
    'go 1.24.6',
    '',
    `require ${jaegerModule} ${jaegerVersion}`,
    '',
    `tool ${jaegerPkg}`,
    '',
    ...replaces.map((r) => `replace ${modVersion(r.Old)} => ${modVersion(r.New)}`),
    '',
  ].join('\n');
}

type GoModReplace = { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } };

function modVersion(m: { Path: string; Version?: string }): string {
  return m.Version ? `${m.Path} ${m.Version}` : m.Path;
}

/** Whether `path` runs and `jaeger version` reports the pinned version. */
async function reportsPinnedVersion(path: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(path, ['version'], { timeout: 30_000 });
    return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { gitVersion?: string }).gitVersion === jaegerVersion;
  } catch {
    return false;
  }
}
