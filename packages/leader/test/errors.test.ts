// Error codes are a contract: each is unique, follows ALB_LEADER_*, and is documented in the README.
import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  AlbError,
  errorCodes,
  LeaderConfigError,
  LeaderStateError,
  LeaseApiError,
  LeaseConflictError,
} from '../src/index.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const codes = Object.values(errorCodes);

t.test('codes are unique and well-formed', async (t) => {
  t.equal(new Set(codes).size, codes.length);
  for (const code of codes) t.match(code, /^ALB_LEADER_[A-Z_]+$/);
});

t.test('every code has a README heading, and the README documents no other code', async (t) => {
  const documented = [...readme.matchAll(/^### (ALB_LEADER_[A-Z_]+)$/gm)].map((m) => m[1]);
  t.same([...documented].sort(), [...codes].sort());
});

t.test('errors carry their codes and are AlbErrors, also across package copies (brand check)', async (t) => {
  const errors = [
    new LeaderConfigError('identity', 'x'),
    new LeaseConflictError(),
    new LeaderStateError('x'),
    new LeaseApiError(403, 'GET', '/x', 'forbidden'),
  ];
  t.same(
    errors.map((e) => [e.name, e.code]),
    [
      ['LeaderConfigError', 'ALB_LEADER_CONFIG'],
      ['LeaseConflictError', 'ALB_LEADER_CONFLICT'],
      ['LeaderStateError', 'ALB_LEADER_STATE'],
      ['LeaseApiError', 'ALB_LEADER_LEASE_API'],
    ],
  );
  for (const e of errors) t.ok(e instanceof AlbError);
  t.notOk(new LeaseConflictError() instanceof LeaderConfigError);
  const foreign = Object.assign(new Error('from @alb/dslx'), { [Symbol.for('alb.error')]: true });
  t.ok(foreign instanceof AlbError, 'an AlbError from another package or copy');
  t.notOk(new Error('plain') instanceof AlbError);
});
