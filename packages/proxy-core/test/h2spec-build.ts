// h2spec (github.com/summerwind/h2spec), built from the pinned wrapper module in h2spec-go/ into a cache outside
// the repository, once per version: `~/.cache/alb-h2spec/<version>/h2spec`.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The h2spec release h2spec-go/go.mod requires (v2 has no go.mod of its own, hence `+incompatible`). */
export const h2specVersion = 'v2.2.1';

const wrapperDir = fileURLToPath(new URL('./h2spec-go/', import.meta.url));
const pkg = 'github.com/summerwind/h2spec/cmd/h2spec';

/** `buildMs`: how long the caller waited (building, or for another process's build). */
export type H2spec = { path: string; source: 'cache' | 'built'; buildMs: number };

/** `ALB_H2SPEC_CACHE`, else `$HOME/.cache/alb-h2spec`. */
export function h2specCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ALB_H2SPEC_CACHE || join(env.HOME || homedir(), '.cache', 'alb-h2spec');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findGo(env: NodeJS.ProcessEnv): string {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter((d) => d !== ''), '/usr/local/go/bin'];
  const go = dirs.map((d) => join(d, 'go')).find(executable);
  if (go === undefined) throw new Error('h2spec is built with Go: install Go 1.24+ (.ci/run does) or put go on PATH');
  return go;
}

/**
 * The cached h2spec binary, built first when missing. Concurrent callers (other test processes, other checkouts)
 * serialise on a flock(1) lock, which the kernel releases if its holder dies: the first builds, the rest find the
 * binary once the lock is theirs. The binary is written beside its final name and renamed, so it is never seen half
 * written.
 */
export async function ensureH2spec(options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<H2spec> {
  const env = options.env ?? process.env;
  const dir = join(h2specCacheDir(env), h2specVersion);
  const path = join(dir, 'h2spec');
  if (executable(path)) return { path, source: 'cache', buildMs: 0 };
  const go = findGo(env);
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const tmp = `${path}.${process.pid}.tmp`;
  const buildIfMissing = '[ -x "$OUT" ] || { "$@" && mv "$TMP" "$OUT" && echo "h2spec built"; }';
  const goBuild = [go, 'build', '-mod=readonly', '-trimpath', '-ldflags=-s -w', '-o', tmp, pkg];
  const timeoutMs = options.timeoutMs ?? 600_000;
  const args = ['-w', String(Math.ceil(timeoutMs / 1000)), join(dir, 'build.lock'), 'sh', '-c', buildIfMissing, 'sh'];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('flock', [...args, ...goBuild], {
      cwd: wrapperDir,
      // No cgo: a static binary and no C toolchain. GOWORK=off: a go.work above must not change the build.
      env: { ...env, OUT: path, TMP: tmp, CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '-buildvcs=false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-4000)));
    child.stderr.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0 ? resolve(text) : reject(new Error(`building h2spec failed (${signal ?? `exit ${code}`}):\n${text}`)),
    );
  });
  if (!executable(path)) throw new Error(`building h2spec left no binary at ${path}:\n${output}`);
  // A caller that waited for another one's build finds the binary there and says so.
  const source = output.includes('h2spec built') ? 'built' : 'cache';
  return { path, source, buildMs: Date.now() - started };
}
