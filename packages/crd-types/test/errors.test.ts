// Codes are a contract: unique, ALB_CRD_*, each documented in the README under its own heading.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { AlbError as DslxAlbError } from '@alb/dslx';
import { AlbError, errorCodes, frontendName, issueCodes, warningCodes } from '../src/index.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const codes = [...Object.values(issueCodes), ...Object.values(errorCodes)];

t.test('codes are unique and well-formed', async (t) => {
  t.equal(new Set(codes).size, codes.length);
  for (const code of codes) t.match(code, /^ALB_CRD_[A-Z_]+$/);
  for (const code of warningCodes) t.ok((Object.values(issueCodes) as string[]).includes(code));
});

t.test('every code has a README heading, and the README documents no other code', async (t) => {
  const documented = [...readme.matchAll(/^### (ALB_CRD_[A-Z_]+)$/gm)].map((m) => m[1]);
  t.same([...documented].sort(), [...codes].sort());
});

t.test('thrown errors are the shared AlbError', async (t) => {
  t.equal(AlbError, DslxAlbError);
  const err = t.throws(() => frontendName('alb', 0)) as AlbError;
  t.ok(err instanceof AlbError);
  t.equal(err.code, 'ALB_CRD_BAD_ARGUMENT');
});
