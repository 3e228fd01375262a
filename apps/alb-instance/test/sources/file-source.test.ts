// The file source on real temporary directories (real inotify watches, no rescans unless said): what it loads,
// how it follows changes, what it does when something cannot be read, and that it works in small steps.
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ObjectStore } from '../../src/objects/object-store.ts';
import { FileSource, type FileSourceOptions } from '../../src/sources/file-source.ts';
import type { ManifestProblem } from '../../src/sources/parse-manifest.ts';
import { aliasBomb } from '../fixtures/alias-bomb.ts';
import { eventually, tempDir } from '../helpers.ts';

const cm = (name: string, value = '0') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: default }\ndata: { v: "${value}" }\n`;

function source(t: Test, dir: string, options: Partial<FileSourceOptions> = {}) {
  const store = new ObjectStore();
  const problems = new Map<string, ManifestProblem[]>();
  const counts = { changes: 0 };
  const files = new FileSource({
    dir,
    store,
    onChange: () => counts.changes++,
    onProblems: (file, list) => (list.length === 0 ? problems.delete(file) : problems.set(file, list)),
    rescanIntervalMs: 0,
    ...options,
  });
  t.teardown(() => files.stop());
  const value = (name: string) => async () =>
    (store.get(`ConfigMap/default/${name}`) as { data?: { v?: string } } | undefined)?.data?.v;
  return { store, problems, counts, files, value };
}

t.test('the first load reads everything, then reports one change', async (t) => {
  const dir = tempDir(t);
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, `f${i}.yaml`), cm(`c${i}`));
  writeFileSync(join(dir, 'broken.yaml'), 'kind: [');
  writeFileSync(join(dir, 'notes.txt'), cm('ignored'));
  const s = source(t, dir);
  await s.files.start();
  t.equal(s.store.size, 20, 'every object');
  t.equal(s.counts.changes, 1, 'one change for the whole load (a rebuild sees all of it)');
  t.match(s.problems.get('broken.yaml'), [{ message: /not valid YAML/ }]);
  t.same([...s.files.failures], []);
});

t.test('follows creations, edits, renames over, deletions and subdirectories', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'c.yaml'), cm('c', '0'));
  const s = source(t, dir);
  await s.files.start();
  writeFileSync(join(dir, '.c.yaml.tmp'), cm('c', '1'));
  renameSync(join(dir, '.c.yaml.tmp'), join(dir, 'c.yaml'));
  t.equal(await eventually(s.value('c'), (v) => v === '1', 10_000), '1', 'a rename-over write');
  writeFileSync(join(dir, 'c.yaml'), cm('c', '2'));
  t.equal(await eventually(s.value('c'), (v) => v === '2', 10_000), '2', 'an in-place edit after it');
  writeFileSync(join(dir, 'c.yaml'), cm('c', '3'));
  t.equal(await eventually(s.value('c'), (v) => v === '3', 10_000), '3', 'and another');

  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'd.yml'), cm('d', '1'));
  t.equal(await eventually(s.value('d'), (v) => v === '1', 10_000), '1', 'a new subdirectory');
  writeFileSync(join(dir, 'sub', 'd.yml'), cm('d', '2'));
  t.equal(await eventually(s.value('d'), (v) => v === '2', 10_000), '2', 'an edit inside it');
  rmSync(join(dir, 'sub'), { recursive: true });
  t.equal(await eventually(s.value('d'), (v) => v === undefined, 10_000), undefined, 'a removed subdirectory');
  unlinkSync(join(dir, 'c.yaml'));
  t.equal(await eventually(s.value('c'), (v) => v === undefined, 10_000), undefined, 'a deleted file');
  t.same([...s.files.failures], [], 'none of that is a failure');
});

t.test('a Kubernetes ConfigMap volume update (a `..data` symlink swap) is followed', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, '..2024_a'));
  writeFileSync(join(dir, '..2024_a', 'c.yaml'), cm('c', 'a'));
  symlinkSync('..2024_a', join(dir, '..data'));
  symlinkSync('..data/c.yaml', join(dir, 'c.yaml'));
  const s = source(t, dir);
  await s.files.start();
  t.equal(await s.value('c')(), 'a');
  t.equal(s.store.size, 1, 'read once, through the symlink (the hidden data directory is skipped)');
  mkdirSync(join(dir, '..2024_b'));
  writeFileSync(join(dir, '..2024_b', 'c.yaml'), cm('c', 'b'));
  symlinkSync('..2024_b', join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  rmSync(join(dir, '..2024_a'), { recursive: true });
  t.equal(await eventually(s.value('c'), (v) => v === 'b', 10_000), 'b');
  t.same(s.problems.get('c.yaml'), undefined);
});

t.test('an object defined by two files: the first file keeps it, the second is told', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.yaml'), cm('x', 'a'));
  writeFileSync(join(dir, 'b.yaml'), cm('x', 'b'));
  const s = source(t, dir);
  await s.files.start();
  t.equal(await s.value('x')(), 'a');
  t.match(s.problems.get('b.yaml'), [{ name: 'x', message: 'also defined in a.yaml; that one is used' }]);
});

t.test('a file that stops parsing or is refused keeps its last objects', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'c.yaml'), cm('c', '1'));
  const s = source(t, dir);
  await s.files.start();
  writeFileSync(join(dir, 'c.yaml'), 'kind: [');
  await eventually(
    async () => s.problems.get('c.yaml'),
    (p) => p !== undefined,
    10_000,
  );
  t.equal(await s.value('c')(), '1', 'kept through a syntax error');
  t.match(s.problems.get('c.yaml'), [{ message: /not valid YAML/ }, { message: /kept the objects/ }]);
  writeFileSync(join(dir, 'c.yaml'), aliasBomb(9, 'c'));
  await eventually(
    async () => s.problems.get('c.yaml'),
    (p) => p?.[0]?.limit === true,
    10_000,
  );
  t.equal(await s.value('c')(), '1', 'kept through a refused file');
  writeFileSync(join(dir, 'c.yaml'), cm('c', '2'));
  t.equal(await eventually(s.value('c'), (v) => v === '2', 10_000), '2', 'fixed');
  t.equal(s.problems.get('c.yaml'), undefined);
});

t.test('the directory gone: a failure, every object kept; back: read again', async (t) => {
  const parent = tempDir(t);
  const dir = join(parent, 'config');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.yaml'), cm('a'));
  writeFileSync(join(dir, 'b.yaml'), cm('b'));
  const s = source(t, dir, { failureRetryMs: 50 });
  await s.files.start();
  const changesBefore = s.counts.changes;
  renameSync(dir, join(parent, 'away'));
  const failures = await eventually(
    async () => [...s.files.failures.keys()],
    (keys) => keys.length > 0,
    10_000,
  );
  t.same(failures, [dir], 'the directory is named');
  t.equal(s.store.size, 2, 'nothing dropped');
  t.ok(s.counts.changes > changesBefore, 'the failure is a change (readiness follows it)');
  writeFileSync(join(parent, 'away', 'a.yaml'), cm('a', 'moved'));
  await new Promise((r) => setTimeout(r, 100));
  t.equal(await s.value('a')(), '0', 'edits in the moved directory are not followed');
  rmSync(join(parent, 'away'), { recursive: true });
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.yaml'), cm('a', 'new'));
  await eventually(
    async () => s.files.failures.size,
    (n) => n === 0,
    10_000,
  );
  t.equal(await eventually(s.value('a'), (v) => v === 'new', 10_000), 'new', 'read again');
  t.equal(await eventually(s.value('b'), (v) => v === undefined, 10_000), undefined, 'b is really gone now');
  writeFileSync(join(dir, 'a.yaml'), cm('a', 'watched'));
  t.equal(await eventually(s.value('a'), (v) => v === 'watched', 10_000), 'watched', 'and watched again');
});

t.test('a file that cannot be read is a failure that keeps its objects, until it can be', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.yaml'), cm('a', '1'));
  const s = source(t, dir, { failureRetryMs: 50 });
  await s.files.start();
  // A symlink loop: stat fails with ELOOP (unlike permissions, this bites root too).
  unlinkSync(join(dir, 'a.yaml'));
  symlinkSync('a.yaml', join(dir, 'a.yaml'));
  const failures = await eventually(
    async () => [...s.files.failures],
    (list) => list.length > 0,
    10_000,
  );
  t.match(failures, [[join(dir, 'a.yaml'), /ELOOP/]]);
  t.equal(await s.value('a')(), '1', 'its objects stay');
  unlinkSync(join(dir, 'a.yaml'));
  writeFileSync(join(dir, 'a.yaml'), cm('a', '2'));
  t.equal(await eventually(s.value('a'), (v) => v === '2', 10_000), '2');
  t.equal(s.files.failures.size, 0);
});

t.test('a big file is loaded in small steps, yielding in between', async (t) => {
  const dir = tempDir(t);
  const count = 5000;
  writeFileSync(join(dir, 'big.yaml'), Array.from({ length: count }, (_, i) => cm(`c${i}`)).join('---\n'));
  let yields = 0;
  let lastSize = 0;
  let largestStep = 0;
  const s = source(t, dir, {
    yieldNow: async () => {
      yields++;
      largestStep = Math.max(largestStep, s.store.size - lastSize);
      lastSize = s.store.size;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  await s.files.start();
  t.equal(s.store.size, count);
  t.ok(yields >= count / 250, `${yields} yields`);
  t.ok(largestStep <= 250, `at most 250 objects stored between two yields (largest step: ${largestStep})`);
});

t.test('stop during the first load: start returns without finishing', async (t) => {
  const dir = tempDir(t);
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, `f${String(i).padStart(2, '0')}.yaml`), cm(`c${i}`));
  let yields = 0;
  const s = source(t, dir, {
    yieldNow: async () => {
      if (++yields === 5) s.files.stop();
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  await s.files.start();
  t.ok(s.store.size < 50, `stopped after ${s.store.size} files`);
});

t.test('reload reads every file again, changed or not', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.yaml'), cm('a'));
  writeFileSync(join(dir, 'b.yaml'), cm('b'));
  const s = source(t, dir);
  await s.files.start();
  t.equal(await s.files.reload(), 2);
  t.equal(s.store.size, 2);
});
