// Error and issue codes are a contract: each is unique, follows ALB_DSLX_*, and is documented in the README.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { AlbError, DslxError, errorCodes, issueCodes } from '../src/index.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const codes = [...Object.values(issueCodes), ...Object.values(errorCodes)];

t.test('codes are unique and well-formed', async (t) => {
  t.equal(new Set(codes).size, codes.length);
  for (const code of codes) t.match(code, /^ALB_DSLX_[A-Z_]+$/);
});

t.test('every code has a README heading, and the README documents no other code', async (t) => {
  const documented = [...readme.matchAll(/^### (ALB_DSLX_[A-Z_]+)$/gm)].map((m) => m[1]);
  t.same([...documented].sort(), [...codes].sort());
});

t.test('DslxError is an AlbError, also across package copies (brand check)', async (t) => {
  const err = new DslxError([{ path: 'dslx', message: 'x', code: issueCodes.shape }]);
  t.ok(err instanceof AlbError);
  t.ok(err instanceof DslxError);
  t.equal(err.name, 'DslxError');
  const foreign = Object.assign(new Error('other copy'), { [Symbol.for('alb.error')]: true });
  t.ok(foreign instanceof AlbError, 'an AlbError from another copy of the package');
  t.notOk(new Error('plain') instanceof AlbError);
});
