// The policy builder, golden files: fixtures/policy/<case>.in.yaml (the objects) -> <case>.out.yaml (the
// data-plane config and the diagnostics). UPDATE_GOLDEN=1 rewrites the .out.yaml files.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { stringify } from 'yaml';
import { ObjectStore } from '../src/objects/object-store.ts';
import { buildPolicy } from '../src/policy/build-policy.ts';
import { parseManifest } from '../src/sources/parse-manifest.ts';

const dir = new URL('./fixtures/policy/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.in.yaml'))
  .map((f) => f.slice(0, -'.in.yaml'.length));

export function buildFromYaml(text: string, albName?: string) {
  const store = new ObjectStore();
  const parsed = parseManifest('input.yaml', text);
  if (parsed.problems.length > 0) throw new Error(JSON.stringify(parsed.problems));
  for (const object of parsed.objects) store.apply(object);
  const result = buildPolicy(store.snapshot(), albName === undefined ? {} : { albName });
  return { config: result.config, diagnostics: result.diagnostics };
}

for (const name of cases) {
  t.test(name, async (t) => {
    const text = readFileSync(new URL(`${name}.in.yaml`, dir), 'utf8');
    const albName = /^# alb: (\S+)/m.exec(text)?.[1];
    const output = stringify(buildFromYaml(text, albName), { lineWidth: 0, aliasDuplicateObjects: false });
    const goldenPath = new URL(`${name}.out.yaml`, dir);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, output);
    t.equal(output, readFileSync(goldenPath, 'utf8'), `${name}.out.yaml is current (UPDATE_GOLDEN=1 to rewrite)`);
  });
}

t.test('the quickstart example builds without diagnostics', async (t) => {
  const files = ['alb.yaml', 'rules.yaml', 'services.yaml'].map((f) =>
    readFileSync(new URL(`../../../examples/quickstart/${f}`, import.meta.url), 'utf8'),
  );
  const { config, diagnostics } = buildFromYaml(files.join('\n---\n'));
  t.same(diagnostics, []);
  t.equal(config.listeners.length, 1);
  t.equal(config.listeners[0]!.rules.length, 6);
});

t.test('the build is deterministic whatever the input order', async (t) => {
  const text = readFileSync(new URL('weights-and-affinity.in.yaml', dir), 'utf8');
  const docs = text.split(/^---$/m);
  const reversed = [...docs].reverse().join('\n---\n');
  t.same(buildFromYaml(reversed), buildFromYaml(text));
});
