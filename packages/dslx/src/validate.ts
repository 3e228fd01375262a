import { parseDslx } from './syntax.ts';
import type { ValidationIssue } from './types.ts';

/**
 * Every problem in a DSLX value, each with its path (`dslx[2].values[0]`) and a message a user can act on;
 * [] when it is valid. `root` renames the top of the paths, e.g. `spec.dslx` when checking a Rule.
 */
export function validate(dslx: unknown, root = 'dslx'): ValidationIssue[] {
  return parseDslx(dslx, root).issues;
}
