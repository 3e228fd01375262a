// Codes are a contract: each is unique, well-formed and documented in the README (a heading each).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { operatorCodes } from '../src/errors.ts';

t.test('every code has a README heading, and the README names no other', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const codes = Object.values(operatorCodes);
  t.equal(new Set(codes).size, codes.length);
  for (const code of codes) t.match(code, /^ALB_OPERATOR_[A-Z_]+$/);
  t.same([...readme.matchAll(/^### (ALB_OPERATOR_[A-Z_]+)$/gm)].map((m) => m[1]).sort(), [...codes].sort());
});
