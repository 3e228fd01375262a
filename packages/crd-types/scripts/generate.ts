// One command writes every artifact generated from src/schema: TS types, ajv validators, deploy/crds/*.yaml
// and the README field reference. test/generated.test.ts regenerates in memory and fails when they are stale.
//   npm run generate -w @alb/crd-types
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rootTypes, schemaDocument } from '../src/schema/document.ts';
import { generateCrdFiles } from './crd.ts';
import { renderReadme } from './readme.ts';
import { generateTypes } from './types.ts';
import { generateValidators } from './validators.ts';

export const packageDir = resolve(import.meta.dirname, '..');
export const repoDir = resolve(packageDir, '../..');

/** Every generated file: path relative to the repository root, and its content. */
export async function generateAll(): Promise<Array<{ path: string; content: string }>> {
  const defs = schemaDocument.$defs ?? {};
  const roots = {
    validateAlb2: rootTypes.alb2,
    validateFrontend: rootTypes.frontend,
    validateRule: rootTypes.rule,
  };
  const readmePath = join(packageDir, 'README.md');
  const files = [
    { path: 'packages/crd-types/src/generated/types.ts', content: await generateTypes(schemaDocument) },
    { path: 'packages/crd-types/src/generated/validators.ts', content: generateValidators(schemaDocument, roots) },
    ...[...generateCrdFiles(defs)].map(([file, content]) => ({ path: `deploy/crds/${file}`, content })),
    {
      path: 'packages/crd-types/README.md',
      content: await renderReadme(readFileSync(readmePath, 'utf8'), readmePath, schemaDocument),
    },
  ];
  return files;
}

if (import.meta.main) {
  for (const file of await generateAll()) {
    writeFileSync(join(repoDir, file.path), file.content);
    console.log(`wrote ${file.path}`);
  }
}
