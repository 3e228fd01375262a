import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BenchError, errorCodes } from './errors.ts';
import { planInstall, requiredTools, type ToolName } from './install-plan.ts';

export type Tools = Record<ToolName, string> & { taskset: string | null };

/** Looks a program up on PATH and in the sbin directories (not on a normal user's PATH). */
export function findProgram(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Finds nginx, haproxy and wrk; installs the missing ones with apt-get when running as root (one `apt-get
 * update`, then one `apt-get install -y`), else throws ALB_BENCH_MISSING_TOOLS saying what to install.
 */
export function ensureTools(log: (line: string) => void): Tools {
  const lookup = () =>
    Object.fromEntries(requiredTools.map((t) => [t.name, findProgram(t.name)])) as Record<ToolName, string | null>;
  let found = lookup();
  const plan = planInstall(found, {
    isRoot: process.getuid?.() === 0,
    hasAptGet: findProgram('apt-get') !== null,
  });
  if (plan.action === 'fail') throw new BenchError(errorCodes.missingTools, plan.message);
  if (plan.action === 'install') {
    aptInstall(plan.packages, log);
    found = lookup();
    const still = requiredTools.filter((t) => found[t.name] === null).map((t) => t.name);
    if (still.length > 0)
      throw new BenchError(errorCodes.installFailed, `still missing after apt-get install: ${still.join(', ')}`);
  } else {
    log(`already installed: ${requiredTools.map((t) => found[t.name]).join(', ')}`);
  }
  return { ...(found as Record<ToolName, string>), taskset: findProgram('taskset') };
}

/** `apt-get update`, then `apt-get install -y <packages>` (as root); throws ALB_BENCH_INSTALL_FAILED. */
export function aptInstall(packages: readonly string[], log: (line: string) => void): void {
  log(`installing ${packages.join(' ')} (apt-get update, then apt-get install -y ${packages.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...packages]]) {
    const run = spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0)
      throw new BenchError(
        errorCodes.installFailed,
        `apt-get ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status ?? run.signal}`})`,
      );
  }
}

/** The version `<program> <flag>` prints (stdout or stderr), for the report header. */
export function programVersion(program: string, flag: string): string {
  const run = spawnSync(program, [flag], { encoding: 'utf8' });
  return versionToken(`${run.stdout ?? ''}${run.stderr ?? ''}`);
}

/** The first version-looking word: `nginx version: nginx/1.22.1` -> `1.22.1`, `wrk debian/4.1.0-3+b2` -> `4.1.0-3+b2`. */
export function versionToken(text: string): string {
  return /(\d+\.\d+[^\s,]*)/.exec(text)?.[1] ?? 'unknown';
}
