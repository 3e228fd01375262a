import { COLON, CR, FIELD_VALUE, HTAB, LF, SP, TOKEN } from './chars.ts';
import type { HeadError } from './request-head.ts';

/** Header fields as parsed: as sent (for forwarding) and by lower-case name (for decisions and matching). */
export type HeaderFields = {
  /** `[name, lowerName, value, ...]` triples: names as sent and lower-cased, values without surrounding whitespace. */
  raw: string[];
  /** Lower-case names; a repeated field gives an array of its values in order. */
  byName: Record<string, string | string[]>;
};

/**
 * Parses the field lines in `buf[i, end)` (each `name: value` ending in CRLF, the last one possibly ending at
 * `end`). Refuses obs-fold, whitespace before the colon, control bytes and bare CR or LF.
 */
export function parseHeaderFields(buf: Buffer, i: number, end: number, maxCount: number): HeaderFields | HeadError {
  const raw: string[] = [];
  const byName: Record<string, string | string[]> = {};
  let count = 0;
  while (i < end) {
    const nameStart = i;
    while (i < end && TOKEN[buf[i]!] === 1) i++;
    if (i === nameStart) {
      const c = buf[i];
      return { status: 400, reason: c === SP || c === HTAB ? 'obsolete line folding' : 'invalid header name' };
    }
    if (buf[i] !== COLON) return { status: 400, reason: 'invalid header name' };
    const nameEnd = i++;
    while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
    const valueStart = i;
    while (i < end && FIELD_VALUE[buf[i]!] === 1) i++;
    let valueEnd = i;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    if (i < end && (buf[i] !== CR || buf[i + 1] !== LF)) return { status: 400, reason: 'invalid header value' };
    i += 2;
    if (++count > maxCount) return { status: 431, reason: 'too many header fields' };
    const name = buf.toString('latin1', nameStart, nameEnd);
    const value = buf.toString('latin1', valueStart, valueEnd);
    const lower = name.toLowerCase();
    raw.push(name, lower, value);
    const existing = byName[lower];
    if (existing === undefined) byName[lower] = value;
    else if (typeof existing === 'string') byName[lower] = [existing, value];
    else existing.push(value);
  }
  return { raw, byName };
}

/** The single value of a field; `null` when it is absent, `false` when it is repeated. */
export function singleField(fields: HeaderFields, lowerName: string): string | null | false {
  const value = fields.byName[lowerName];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : false;
}

/** All values of a list field (`Connection: a, b` over one or more lines), as lower-case tokens; null if absent. */
export function fieldTokens(fields: HeaderFields, lowerName: string): string[] | null {
  const value = fields.byName[lowerName];
  if (value === undefined) return null;
  return splitTokens(typeof value === 'string' ? value : value.join(','));
}

/** Comma-separated tokens, trimmed and lower-cased, empty ones dropped. */
export function splitTokens(value: string): string[] {
  const tokens: string[] = [];
  for (const part of value.split(',')) {
    const token = part.trim().toLowerCase();
    if (token !== '') tokens.push(token);
  }
  return tokens;
}

/** 1 to 15 decimal digits (below 2^53), nothing else: no sign, no spaces, no lists ("5, 5"). -1 if invalid. */
export function parseContentLength(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}
