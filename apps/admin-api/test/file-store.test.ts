// The file store: edits keep hand-written files intact, writes are atomic, one admin API per directory.
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import t from 'tap';
import type { Frontend } from '@alb/crd-types';
import { readManifest, removeDocument, replaceDocument } from '../src/store/manifest-file.ts';
import { FileStore } from '../src/store/file-store.ts';
import { syncDocument } from '../src/store/sync-document.ts';
import { albYaml, frontendYaml, read, tempDir } from './helpers.ts';

const quiet = pino({ level: 'silent' });

const twoDocs = `# header comment
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: a-00080, namespace: albs, labels: { alb2.cpaas.io/name: a } }
spec:
  port: 80 # the port
  protocol: http
---
# second
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: a-00081, namespace: albs, labels: { alb2.cpaas.io/name: a } }
spec: { port: 81, protocol: http }
`;

t.test('a document is rewritten alone; the others keep their text', async (t) => {
  const second = replaceDocument(twoDocs, false, 1, (doc) =>
    syncDocument(doc, { ...(doc.toJS() as object), spec: { port: 81, protocol: 'tcp' } }),
  );
  t.equal(second.split('---\n')[0], twoDocs.split('---\n')[0], 'the first document is byte for byte the same');
  t.match(second, /spec: \{ port: 81, protocol: tcp \}|protocol: tcp/);
  t.match(second, /# second/);
  const first = replaceDocument(twoDocs, false, 0, (doc) =>
    syncDocument(doc, { ...(doc.toJS() as object), spec: { port: 80, protocol: 'https' } }),
  );
  t.match(first, /^# header comment\n/, 'the leading comment once');
  t.equal(first.match(/# header comment/g)!.length, 1);
  t.match(first, /port: 80 # the port/, 'a comment on an unchanged field stays');
  t.equal(first.split('---\n')[1], twoDocs.split('---\n')[1]);
  t.same(
    readManifest(first, false)!.map((e) => (e.object.spec as { protocol: string }).protocol),
    ['https', 'http'],
  );
  const without = removeDocument(twoDocs, false, 0);
  t.same(
    readManifest(without, false)!.map((e) => (e.object.metadata as { name: string }).name),
    ['a-00081'],
  );
  t.equal(removeDocument(frontendYaml('x', 1), false, 0), '', 'the last document: nothing left');
});

t.test('Lists and multi-object JSON are read but not rewritten', async (t) => {
  const list = readManifest('kind: List\napiVersion: v1\nitems:\n- {kind: Frontend, metadata: {name: x}}\n', false)!;
  t.equal(list[0]!.editable, false);
  t.equal(readManifest('{"kind": "Frontend", "metadata": {"name": "x"}}', true)![0]!.editable, true);
  t.equal(readManifest('not: [valid', false), null);
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'list.yaml'),
    `apiVersion: v1\nkind: List\nitems:\n- ${frontendYaml('lb-00080', 80).replaceAll('\n', '\n  ')}`,
  );
  const store = await FileStore.open(dir, 'cpaas.io', quiet);
  t.teardown(() => store.close());
  const ft = (await store.getFrontend({ namespace: 'albs', name: 'lb-00080' }))!;
  t.equal(ft.spec.port, 80);
  await t.rejects(
    store.exclusive(() => store.replaceFrontend(ft)),
    { name: 'StoreNotEditable' },
  );
});

t.test('writes: atomic, no temporary file left, a failed write leaves the file as it was', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'alb.yaml'), albYaml());
  writeFileSync(join(dir, 'ft.yaml'), frontendYaml('lb-00080', 80));
  const store = await FileStore.open(dir, 'cpaas.io', quiet);
  t.teardown(() => store.close());
  const ft = (await store.getFrontend({ namespace: 'albs', name: 'lb-00080' }))!;
  const changed: Frontend = { ...ft, spec: { ...ft.spec, protocol: 'tcp' } };
  await store.exclusive(() => store.replaceFrontend(changed));
  t.match(read(dir, 'ft.yaml'), /protocol: tcp/);
  t.same(readdirSync(dir).sort(), ['alb.yaml', 'ft.yaml'], 'no temporary file left');
  await t.rejects(
    store.exclusive(() => store.replaceFrontend(changed)),
    { name: 'StoreConflict' },
    'the old version is stale now',
  );
  await t.rejects(
    store.replaceFrontend(changed),
    /inside exclusive/,
    'writes outside exclusive() are a programming error',
  );
  // A directory that refuses new files: the write fails and the file is as it was.
  const before = read(dir, 'ft.yaml');
  const current = (await store.getFrontend({ namespace: 'albs', name: 'lb-00080' }))!;
  chmodSync(dir, 0o555);
  t.teardown(() => chmodSync(dir, 0o755));
  const asRoot = process.getuid?.() === 0;
  if (!asRoot) {
    await t.rejects(store.exclusive(() => store.replaceFrontend({ ...current, spec: { ...current.spec, port: 81 } })));
    t.equal(read(dir, 'ft.yaml'), before);
  } else t.comment('root ignores directory permissions: writeFileAtomic is tested on a path that cannot be renamed');
});

t.test('one admin API per directory', async (t) => {
  const dir = tempDir(t);
  const first = await FileStore.open(dir, 'cpaas.io', quiet);
  await t.rejects(FileStore.open(dir, 'cpaas.io', quiet), /another alb-admin-api holds/);
  await first.close();
  const again = await FileStore.open(dir, 'cpaas.io', quiet);
  await again.close();
  t.pass('the lock is free again once closed');
});

t.test('writeFileAtomic: a rename that fails leaves the target and no temporary file', async (t) => {
  const { writeFileAtomic } = await import('../src/store/atomic-write.ts');
  const { mkdirSync } = await import('node:fs');
  const dir = tempDir(t);
  // The target is a non-empty directory: rename(2) over it fails even for root.
  mkdirSync(join(dir, 'target.yaml'));
  writeFileSync(join(dir, 'target.yaml', 'keep'), 'x');
  await t.rejects(writeFileAtomic(join(dir, 'target.yaml'), 'new: text\n'));
  t.same(readdirSync(dir), ['target.yaml'], 'no temporary file left');
  t.same(readdirSync(join(dir, 'target.yaml')), ['keep'], 'the target is untouched');
  await writeFileAtomic(join(dir, 'sub', 'new.yaml'), 'a: 1\n');
  t.equal(read(join(dir, 'sub'), 'new.yaml'), 'a: 1\n', 'directories are made as needed');
});
