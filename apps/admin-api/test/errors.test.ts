// Error codes are a contract: each is unique, well-formed and documented in the README, which names no other.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { errorCodes } from '../src/errors.ts';

t.test('every error code has a README heading, and the README names no other', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const codes = Object.values(errorCodes);
  t.equal(new Set(codes).size, codes.length);
  for (const code of codes) t.match(code, /^ALB_ADMIN_[A-Z0-9_]+$/);
  t.same([...readme.matchAll(/^### (ALB_ADMIN_[A-Z0-9_]+)$/gm)].map((m) => m[1]).sort(), [...codes].sort());
});
