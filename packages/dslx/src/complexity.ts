import { utf8Length } from './byte-length.ts';
import type { DslxTerm } from './types.ts';

/**
 * ALB's ComplexPriority (`DSLX.Priority()`): the more specific a rule, the higher. A HOST term counts by the
 * operator of its first row (EQ/IN 50000, ENDS_WITH 10000); a URL term counts each row (EQ 2000, STARTS_WITH and
 * PATH_PREFIX 1000 + length + 2, REGEX 1000 + length); any other term counts 100 per row. Lengths are in bytes.
 */
export function complexity(dslx: DslxTerm[]): number {
  let score = 0;
  for (const term of dslx) {
    const rows = Array.isArray(term?.values) ? term.values : [];
    if (term.type === 'HOST') {
      const op = rows[0]?.[0];
      if (op === 'EQ' || op === 'IN') score += 50000;
      else if (op === 'ENDS_WITH') score += 10000;
    } else if (term.type === 'URL') {
      for (const row of rows) {
        const op = row?.[0];
        if (op === 'EQ') score += 2000;
        else if (op === 'STARTS_WITH' || op === 'PATH_PREFIX') score += 1000 + byteLength(row[1]) + 2;
        else if (op === 'REGEX') score += 1000 + byteLength(row[1]);
      }
    } else {
      score += 100 * rows.length;
    }
  }
  return score;
}

function byteLength(text: unknown): number {
  return typeof text === 'string' ? utf8Length(text) : 0;
}
