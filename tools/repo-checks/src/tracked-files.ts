import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root (this tool lives at tools/repo-checks). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Paths (relative to the root) of the files git tracks: what a clone has, nothing generated or installed. */
export function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter((path) => path !== '');
}
