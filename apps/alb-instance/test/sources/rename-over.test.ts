import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ObjectStore } from '../../src/objects/object-store.ts';
import { FileSource } from '../../src/sources/file-source.ts';
import { eventually, tempDir } from '../helpers.ts';

const cm = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: default }\ndata: { v: "${value}" }\n`;

t.test('edits after a rename-over write are seen without a rescan', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'c.yaml'), cm('0'));
  const store = new ObjectStore();
  const source = new FileSource({ dir, store, onChange: () => {}, onProblems: () => {}, rescanIntervalMs: 0 });
  await source.start();
  t.teardown(() => source.stop());
  const value = async () => (store.get('ConfigMap/default/c') as { data?: { v?: string } } | undefined)?.data?.v;
  writeFileSync(join(dir, '.c.yaml.tmp'), cm('1'));
  renameSync(join(dir, '.c.yaml.tmp'), join(dir, 'c.yaml'));
  t.equal(await eventually(value, (v) => v === '1', 10_000), '1', 'the rename-over write');
  writeFileSync(join(dir, 'c.yaml'), cm('2'));
  t.equal(await eventually(value, (v) => v === '2', 10_000), '2', 'an in-place edit after it');
  writeFileSync(join(dir, 'c.yaml'), cm('3'));
  t.equal(await eventually(value, (v) => v === '3', 10_000), '3', 'and another');
});
