// Error codes are a contract: unique, ALB_BENCH_*, each documented in the README.
import { readFileSync } from 'node:fs';
import { AlbError } from '@alb/dslx';
import t from 'tap';
import { BenchError, errorCodes } from '../src/index.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const codes = Object.values(errorCodes);

t.test('codes are unique and well-formed', async (t) => {
  t.equal(new Set(codes).size, codes.length);
  for (const code of codes) t.match(code, /^ALB_BENCH_[A-Z_]+$/);
});

t.test('every code has a README heading, and the README documents no other code', async (t) => {
  const documented = [...readme.matchAll(/^### (ALB_BENCH_[A-Z_]+)$/gm)].map((m) => m[1]);
  t.same([...documented].sort(), [...codes].sort());
});

t.test('BenchError carries the alb.error brand', async (t) => {
  const error = new BenchError(errorCodes.usage, 'x');
  t.ok(error instanceof AlbError);
  t.equal(error.name, 'BenchError');
  t.equal(error.code, 'ALB_BENCH_USAGE');
});
