// Every generated file is current: regenerated in memory, it must equal what is committed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { generateAll, repoDir } from '../scripts/generate.ts';

t.test('generated files are current', async (t) => {
  const files = await generateAll();
  t.same(
    files.map((f) => f.path),
    [
      'packages/crd-types/src/generated/types.ts',
      'packages/crd-types/src/generated/validators.ts',
      'deploy/crds/crd.alauda.io_alaudaloadbalancer2.yaml',
      'deploy/crds/crd.alauda.io_frontends.yaml',
      'deploy/crds/crd.alauda.io_rules.yaml',
      'packages/crd-types/README.md',
    ],
  );
  for (const file of files) {
    const committed = readFileSync(join(repoDir, file.path), 'utf8');
    t.ok(committed === file.content, `${file.path} is current (if not: npm run generate -w @alb/crd-types)`);
  }
});

t.test('generation is deterministic', async (t) => {
  const [first, second] = [await generateAll(), await generateAll()];
  t.same(
    first.map((f) => f.content),
    second.map((f) => f.content),
  );
});

t.test('the validators module stands alone (no require, no imports)', async (t) => {
  const code = readFileSync(join(repoDir, 'packages/crd-types/src/generated/validators.ts'), 'utf8');
  t.notMatch(code, /\brequire\(/);
  t.notMatch(code, /^import /m);
});
