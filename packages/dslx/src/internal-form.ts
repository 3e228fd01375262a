import { jsonStringLength } from './byte-length.ts';
import type { DslxTerm } from './types.ts';

/**
 * ALB's internal prefix form (`DSLX2Internal`): a row is `[OP, TYPE, key?, ...args]`. One term gives `[row]`-style `[[OP, TYPE, ...]]`; several terms are prefixed with "AND"
 * (even when some are skipped); a term with several rows becomes `["OR", ...rows]`; terms without rows are skipped.
 * Unlike ALB, an `[EXIST]` row inside a multi-row term is fine (ALB rejected the whole rule).
 */
export function toInternal(dslx: DslxTerm[]): unknown[] {
  const out: unknown[] = [];
  if (dslx.length > 1) out.push('AND');
  for (const term of dslx) {
    const rows = Array.isArray(term.values) ? term.values : [];
    if (rows.length === 0) continue;
    const expand = (row: string[]): string[] => {
      const expr = [row[0]!, term.type];
      if (term.key) expr.push(term.key);
      expr.push(...row.slice(1));
      return expr;
    };
    out.push(rows.length === 1 ? expand(rows[0]!) : ['OR', ...rows.map(expand)]);
  }
  return out;
}

const utf8 = new TextEncoder();

/**
 * ALB's `InternalDSLLen`: the byte length of Go's `json.Marshal` of the internal form. Go escapes `<`, `>`, `&`,
 * U+2028 and U+2029 as `\u00XX`/`\u20XX`, which JSON.stringify does not, so those are counted as Go writes them.
 * Counted without building the JSON when every value is a string (always, for a valid dslx).
 */
export function internalLength(dslx: DslxTerm[]): number {
  const counted = countedInternalLength(dslx);
  return counted !== -1 ? counted : jsonInternalLength(dslx);
}

/** internalLength by arithmetic over the parts `toInternal` would make, or -1 when a part is not a string. */
function countedInternalLength(dslx: DslxTerm[]): number {
  let items = 0;
  let bytes = 0;
  if (dslx.length > 1) {
    items++;
    bytes += 5; // "AND"
  }
  for (const term of dslx as unknown[]) {
    if (typeof term !== 'object' || term === null) return -1;
    const { type, key, values } = term as Partial<DslxTerm>;
    if (typeof type !== 'string' || (key && typeof key !== 'string')) return -1;
    const rows: unknown[] = Array.isArray(values) ? values : [];
    if (rows.length === 0) continue;
    // One row is the expanded row itself; several are ["OR", row, ...].
    let termBytes = rows.length === 1 ? 0 : 2 + 4 + rows.length;
    for (const row of rows) {
      if (!Array.isArray(row) || row.length === 0) return -1;
      // [OP, TYPE, key?, ...args]: strings joined by commas inside brackets.
      let rowBytes = 2 + row.length + (key ? 1 : 0) + jsonStringLength(type) + (key ? jsonStringLength(key) : 0);
      for (let i = 0; i < row.length; i++) {
        const part: unknown = row[i];
        if (typeof part !== 'string') return -1;
        rowBytes += jsonStringLength(part);
      }
      termBytes += rowBytes;
    }
    items++;
    bytes += termBytes;
  }
  return items === 0 ? 2 : 2 + (items - 1) + bytes;
}

/** The reference: JSON.stringify, Go's extra escapes added, UTF-8 encoded. */
function jsonInternalLength(dslx: DslxTerm[]): number {
  const json = JSON.stringify(toInternal(dslx));
  let extra = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 60 || c === 62 || c === 38)
      extra += 5; // 1 byte -> 6 bytes
    else if (c === 0x2028 || c === 0x2029) extra += 3; // 3 bytes -> 6 bytes
  }
  return utf8.encode(json).length + extra;
}
