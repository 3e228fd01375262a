// A set of binaries built together from the Go wrapper modules into one cache directory: found there when the
// manifest matches the recipe and every binary reports its pinned version, else built under a lock file (concurrent
// test processes wait for one build) into a temporary directory renamed into place.
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryVersion, type BinaryKind } from './binary-version.ts';
import { resolveCacheDir } from './cache-dir.ts';
import { errorCodes, KubeTestEnvError } from './errors.ts';
import { withFileLock } from './file-lock.ts';
import { checkGoVersion, findGo } from './find-go.ts';
import { goBuild } from './go-build.ts';

export type BinaryStep = {
  /** File name in the cache directory, also the `BinaryKind` (how its version is read). */
  name: BinaryKind;
  /** Wrapper module under go/ (its go.mod requires and `tool`s the package). */
  module: 'kubernetes' | 'etcd' | 'kwok';
  pkg: string;
  ldflags: string;
  /** What the built binary must report. */
  version: string;
};

export type BinarySet = {
  /** Cache directory and lock file name, e.g. `k8s-v1.36.4-etcd-v3.6.8`. */
  key: string;
  /** Bumped when the build recipe changes, so older builds are rebuilt. */
  recipe: number;
  steps: readonly BinaryStep[];
  /** Extra manifest fields (the pinned versions), kept in the format earlier builds wrote. */
  manifest: Record<string, string>;
};

export type SetOptions = {
  env: NodeJS.ProcessEnv;
  binDir?: string;
  cacheDir?: string;
  go?: string;
  goFallbacks?: readonly string[];
  log: (line: string) => void;
  lockTimeoutMs?: number;
};

export type BuiltSet = {
  dir: string;
  source: 'bin-dir' | 'cache' | 'built';
  /** Path of each binary by name. */
  paths: Record<string, string>;
  /** What each binary reports (`--version`), by name. */
  versions: Record<string, string>;
};

type Manifest = { recipe: number; goVersion: string; builtAt: string; [field: string]: unknown };

const wrapperDir = fileURLToPath(new URL('../go/', import.meta.url));

export async function ensureBinarySet(set: BinarySet, opts: SetOptions): Promise<BuiltSet> {
  const { env, log } = opts;
  const binDir = opts.binDir ?? env.ALB_TESTENV_BIN_DIR;
  if (binDir) return fromBinDir(set, binDir);

  const cacheRoot = opts.cacheDir ?? resolveCacheDir(env);
  const dir = join(cacheRoot, set.key);
  const cached = await fromCache(set, dir);
  if (cached) return cached;

  // Look for Go before taking the lock: a missing Go should fail at once, with the message that says what to do.
  const go = await findGo({ env, ...(opts.go !== undefined && { go: opts.go }), goFallbacks: opts.goFallbacks });
  const goVersion = await checkGoVersion(go, env);
  await mkdir(cacheRoot, { recursive: true });
  return withFileLock(
    join(cacheRoot, `${set.key}.lock`),
    async () => {
      // Someone else may have finished the build while we waited.
      const built = await fromCache(set, dir);
      if (built) return built;
      await build(set, { go, goVersion, env, log, cacheRoot, dir });
      const fresh = await fromCache(set, dir);
      if (!fresh) {
        throw new KubeTestEnvError(
          errorCodes.buildFailed,
          `the binaries built into ${dir} do not report the pinned versions`,
        );
      }
      return { ...fresh, source: 'built' as const };
    },
    {
      ...(opts.lockTimeoutMs !== undefined && { timeoutMs: opts.lockTimeoutMs }),
      onWait: (holder) => log(`waiting for another process building ${set.key} (${holder})`),
    },
  );
}

async function probe(
  set: BinarySet,
  dir: string,
): Promise<{ paths: Record<string, string>; found: Map<string, string | null> }> {
  const paths = Object.fromEntries(set.steps.map((s) => [s.name, join(dir, s.name)]));
  const versions = await Promise.all(set.steps.map((s) => binaryVersion(join(dir, s.name), s.name)));
  return { paths, found: new Map(set.steps.map((s, i) => [s.name, versions[i] ?? null])) };
}

async function fromBinDir(set: BinarySet, dir: string): Promise<BuiltSet> {
  const { paths, found } = await probe(set, dir);
  const bad = set.steps.filter((s) => found.get(s.name) === null).map((s) => paths[s.name]);
  if (bad.length > 0) {
    const names = set.steps.map((s) => s.name);
    const wanted = names.length === 2 ? 'both binaries' : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    throw new KubeTestEnvError(
      errorCodes.binDirInvalid,
      `ALB_TESTENV_BIN_DIR=${dir}: ${bad.join(' and ')} missing or not runnable (\`--version\` failed). ` +
        `Point it at a directory holding ${wanted}, or unset it to build them with Go.`,
    );
  }
  return { dir, source: 'bin-dir', paths, versions: Object.fromEntries(found) as Record<string, string> };
}

/** The cached set when it exists, was built by this recipe and runs at the pinned versions; otherwise null. */
async function fromCache(set: BinarySet, dir: string): Promise<BuiltSet | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  if (manifest.recipe !== set.recipe) return null;
  const { paths, found } = await probe(set, dir);
  if (set.steps.some((s) => found.get(s.name) !== s.version)) return null;
  return { dir, source: 'cache', paths, versions: Object.fromEntries(found) as Record<string, string> };
}

async function build(
  set: BinarySet,
  ctx: {
    go: string;
    goVersion: string;
    env: NodeJS.ProcessEnv;
    log: (line: string) => void;
    cacheRoot: string;
    dir: string;
  },
): Promise<void> {
  const { go, goVersion, env, log } = ctx;
  const started = Date.now();
  log(`building ${set.steps.map((s) => `${s.name} ${s.version}`).join(', ')} with ${go} (${goVersion})`);
  log(`into ${ctx.dir}; this happens once per version and takes a few minutes (downloads + compile)`);
  // Build next to the final place, then rename: a reader never sees half a set, and a crash leaves only a tmp dir.
  const tmp = await mkdtemp(join(ctx.cacheRoot, `.build-${set.key}-`));
  try {
    for (const step of set.steps) {
      const t0 = Date.now();
      log(`go build ${step.pkg} (${step.name})`);
      await goBuild({
        go,
        env,
        log,
        moduleDir: join(wrapperDir, step.module),
        pkg: step.pkg,
        ldflags: step.ldflags,
        output: join(tmp, step.name),
      });
      log(`built ${step.name} in ${Math.round((Date.now() - t0) / 1000)}s`);
    }
    const manifest: Manifest = {
      ...set.manifest,
      recipe: set.recipe,
      goVersion,
      builtAt: new Date().toISOString(),
    };
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await chmod(tmp, 0o755); // mkdtemp made it private; the binaries are not secret
    await rm(ctx.dir, { recursive: true, force: true });
    try {
      await rename(tmp, ctx.dir);
    } catch (err) {
      // Another builder (one that took over a lock it thought stale) got there first: theirs is as good.
      if (!(await stat(ctx.dir).catch(() => null))) throw err;
    }
    log(`done in ${Math.round((Date.now() - started) / 1000)}s`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
