// Codes are a contract: unique, ALB_INGRESS_*, each documented in the README under its own heading, and no other.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { AlbError as DslxAlbError } from '@alb/dslx';
import { AlbError, diagnosticCodes, errorCodes } from '../src/index.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const codes = [...Object.values(diagnosticCodes), ...Object.values(errorCodes)];

t.test('codes are unique and well-formed', async (t) => {
  t.equal(new Set(codes).size, codes.length);
  for (const code of codes) t.match(code, /^ALB_INGRESS_[A-Z_]+$/);
});

t.test('every code has a README heading, and the README documents no other code', async (t) => {
  const documented = [...readme.matchAll(/^### (ALB_INGRESS_[A-Z_]+)$/gm)].map((m) => m[1]);
  t.same([...documented].sort(), [...codes].sort());
});

t.test('AlbError is the shared one (brand-checked across packages)', async (t) => {
  t.equal(AlbError, DslxAlbError);
  t.ok(new AlbError(errorCodes.badArgument, 'x') instanceof AlbError);
});
