// The field reference tells today's truth: the components it calls built are the ones in the repository, every
// "not yet" note names a field that exists, and the features the instance refuses or does not serve say so.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { resolveRef } from '../scripts/crd.ts';
import { builtComponents, components, notYet } from '../scripts/field-status.ts';
import { repoDir } from '../scripts/generate.ts';
import { schemaDocument } from '../src/schema/document.ts';
import type { JsonSchema } from '../src/schema/json-schema.ts';

const defs = schemaDocument.$defs ?? {};
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const rows = readme.split('\n').filter((line) => line.startsWith('| `'));
/** The components in the "used by" cell of a table row (field, type, rules, used by, meaning). */
const usedBy = (row: string) => (row.split(/(?<!\\)\|/)[4] ?? '').split('; **not yet**')[0]!.trim();

t.test('the components called built are the ones that exist', async (t) => {
  const existing = components.filter((c) => ['packages', 'apps'].some((dir) => existsSync(join(repoDir, dir, c))));
  t.same(
    [...builtComponents].sort(),
    existing.sort(),
    'builtComponents in scripts/field-status.ts = the packages/apps present (update it, then npm run generate)',
  );
});

t.test('every note names a type or a field of the schema', async (t) => {
  const fieldAt = (node: JsonSchema, path: string[]): JsonSchema | undefined => {
    let current: JsonSchema | undefined = node;
    for (const name of path) {
      const resolved: JsonSchema = resolveRef(current!, defs);
      const holder = resolved.type === 'array' ? resolveRef(resolved.items ?? {}, defs) : resolved;
      current = holder.properties?.[name];
      if (current === undefined) return undefined;
    }
    return current;
  };
  for (const key of Object.keys(notYet)) {
    const [type, ...path] = key.split('.');
    t.ok(defs[type!] !== undefined && fieldAt(defs[type!]!, path) !== undefined, `${key} exists`);
  }
});

t.test('the README says what is not served today', async (t) => {
  t.notMatch(readme, /nothing but validation is built/, 'no stale claim that nothing is built');
  const authRows = rows.filter((r) => r.startsWith('| `auth` '));
  t.ok(authRows.length >= 3, 'auth on ALB2, Frontend and Rule');
  for (const row of authRows) t.match(row, /\*\*not yet\*\*: a route that needs it is refused/, 'auth is refused');
  t.match(readme, /#### AuthConfig\n\n[^\n]*\n\n\*\*Not yet\*\*: a route that needs it is refused/);
  t.match(
    rows.find((r) => r.startsWith('| `protocol` ')),
    /`http`, `tcp` and `udp` are served: an https or grpc Frontend is reported/,
  );
  t.ok(
    rows.filter((r) => r.startsWith('| `certificate_name` ')).every((r) => /TLS is not served/.test(r)),
    'certificate_name: TLS is not served',
  );
  const plannedOnly = components.filter((c) => !builtComponents.includes(c));
  for (const component of plannedOnly) {
    const naming = rows.map(usedBy).filter((cell) => new RegExp(`\\b${component}\\b`).test(cell));
    t.ok(
      naming.every((cell) => cell.includes(`${component} (planned)`)),
      `every field ${component} would honour says it is planned (${naming.length})`,
    );
  }
});
