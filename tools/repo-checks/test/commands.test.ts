// Every command a workspace package declares (package.json `bin`) runs right after `npm ci`, before any build: its
// file is committed (npm links a bin only when the file exists at install time, so it cannot live in dist/), it is
// an executable Node script, npm linked it into node_modules/.bin, and `--help` answers with the usage.
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import t from 'tap';
import { repoRoot, trackedFiles } from '../src/tracked-files.ts';

const files = trackedFiles();
const tracked = new Set(files);
const workspaces = files
  .filter((f) => /^(packages|apps|tools)\/[^/]+\/package\.json$/.test(f))
  .map((f) => ({ dir: posix.dirname(f), manifest: JSON.parse(readFileSync(join(repoRoot, f), 'utf8')) }));

const commands = workspaces.flatMap(({ dir, manifest }) =>
  Object.entries((manifest.bin ?? {}) as Record<string, string>).map(([name, target]) => ({
    name,
    file: posix.normalize(posix.join(dir, target)),
  })),
);

t.test('the workspace commands are known', async (t) => {
  t.ok(workspaces.length >= 8, `${workspaces.length} workspaces`);
  t.ok(
    ['alb-dslx', 'alb-instance'].every((name) => commands.some((c) => c.name === name)),
    'alb-dslx and alb-instance are among them',
  );
});

for (const { name, file } of commands) {
  t.test(`${name} (${file}) runs after npm ci`, async (t) => {
    t.ok(tracked.has(file), `${file} is committed, so a fresh clone has it when npm links bins`);
    const path = join(repoRoot, file);
    t.match(readFileSync(path, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'a Node script');
    t.ok(statSync(path).mode & 0o111, 'executable');
    const link = join(repoRoot, 'node_modules', '.bin', name);
    t.equal(realpathSync(link), realpathSync(path), `node_modules/.bin/${name} is linked to it`);
    const run = spawnSync(link, ['--help'], { encoding: 'utf8', timeout: 60_000 });
    t.equal(run.status, 0, `${name} --help exits 0${run.status === 0 ? '' : `: ${run.stdout}${run.stderr}`}`);
    t.match(`${run.stdout}${run.stderr}`, new RegExp(`usage:[\\s\\S]*${name}`), 'and prints its usage');
  });
}
