// The streamed config hash digests exactly what JSON.stringify(config) writes, so equal configs hash equally and
// any difference JSON would show changes the hash.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { DataPlaneConfig } from '@alb/proxy-core';
import t from 'tap';
import { hashConfig } from '../../src/pipeline/config-hash.ts';
import { ObjectStore } from '../../src/objects/object-store.ts';
import { buildPolicy } from '../../src/policy/build-policy.ts';
import { parseManifest } from '../../src/sources/parse-manifest.ts';

const digestOfJson = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const asConfig = (value: unknown) => value as DataPlaneConfig;

t.test('every policy fixture: the digest of JSON.stringify(config)', async (t) => {
  const dir = new URL('../fixtures/policy/', import.meta.url);
  const cases = readdirSync(dir).filter((f) => f.endsWith('.in.yaml'));
  t.ok(cases.length >= 5);
  for (const file of cases) {
    const store = new ObjectStore();
    for (const object of parseManifest(file, readFileSync(new URL(file, dir), 'utf8')).objects) store.apply(object);
    const { config } = buildPolicy(store.snapshot());
    t.ok(config.listeners.length > 0, `${file} builds listeners`);
    t.equal(hashConfig(config), digestOfJson(config), file);
  }
});

t.test('what JSON leaves out or turns into null, nested arrays, empty ones, toJSON', async (t) => {
  const values: unknown[] = [
    { listeners: [], backendGroups: [] },
    { listeners: [undefined, () => 1, Symbol('s'), null, [1, [2, []]]], skipped: undefined, fn: () => 1, x: {} },
    { a: [{ b: [{ c: 'quote " and \\ and \n' }], d: undefined }], e: { toJSON: () => ['replaced'] }, f: [new Date(0)] },
    { 'key "quoted"': [1], '': [], 2: ['number key first'], z: 'last' },
    [],
  ];
  for (const value of values) t.equal(hashConfig(asConfig(value)), digestOfJson(value), JSON.stringify(value));
});

t.test('a changed rule deep in a listener changes the hash', async (t) => {
  const config = (path: string) =>
    asConfig({ listeners: [{ port: 80, rules: [{ name: 'a', dslx: [{ type: 'URL', values: [['EQ', path]] }] }] }] });
  t.not(hashConfig(config('/a')), hashConfig(config('/b')));
  t.equal(hashConfig(config('/a')), hashConfig(config('/a')));
});
