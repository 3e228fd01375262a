import { COLON, CR, FIELD_VALUE, HTAB, LF, SP, TOKEN } from './chars.ts';
import { FNV_OFFSET, lowerFieldName } from './header-names.ts';
import type { HeadError } from './head-error.ts';

/**
 * The field lines of a head, as offsets into the buffer holding it: a proxy forwards most lines byte for byte, so
 * it never needs most names and values as strings. Per field, `offsets` holds `[lineStart, valueStart, valueEnd,
 * lineEnd]` (the name is `lineStart` up to the colon; `valueEnd` excludes trailing whitespace; `lineEnd` is the
 * CR). `names` holds each lower-case name.
 */
export type HeaderFields = {
  names: string[];
  offsets: number[];
  /** Lower-case name -> value (an array when repeated); only built for request heads, which rules match on. */
  byName: Record<string, string | string[]> | null;
};

/**
 * Parses the field lines in `buf[i, end)` (each `name: value` ending in CRLF, the last one possibly ending at
 * `end`). Refuses obs-fold, whitespace before the colon, control bytes and bare CR or LF.
 */
export function parseHeaderFields(
  buf: Buffer,
  i: number,
  end: number,
  maxCount: number,
  withValues: boolean,
): HeaderFields | HeadError {
  // Filled in reused arrays, then copied out at their exact size: arrays grown by push would reserve 17+ slots
  // each (and regrow), which is most of what parsing a small head allocates.
  const names = scratchNames;
  const offsets = scratchOffsets;
  let count = 0;
  const byName: Record<string, string | string[]> | null = withValues ? {} : null;
  while (i < end) {
    const lineStart = i;
    let hash = FNV_OFFSET;
    for (let c = buf[i]!; i < end && TOKEN[c] === 1; c = buf[++i]!)
      hash = Math.imul(hash ^ (c | 0x20), 0x01000193) >>> 0;
    if (i === lineStart) {
      const c = buf[i];
      return { status: 400, reason: c === SP || c === HTAB ? 'obsolete line folding' : 'invalid header name' };
    }
    if (buf[i] !== COLON) return { status: 400, reason: 'invalid header name' };
    const name = lowerFieldName(buf, lineStart, i, hash);
    i++;
    while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
    const valueStart = i;
    while (i < end && FIELD_VALUE[buf[i]!] === 1) i++;
    let valueEnd = i;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    if (i < end && (buf[i] !== CR || buf[i + 1] !== LF)) return { status: 400, reason: 'invalid header value' };
    if (count >= maxCount) return { status: 431, reason: 'too many header fields' };
    names[count] = name;
    const at = count * 4;
    offsets[at] = lineStart;
    offsets[at + 1] = valueStart;
    offsets[at + 2] = valueEnd;
    offsets[at + 3] = i;
    count++;
    if (byName !== null) {
      const value = buf.toString('latin1', valueStart, valueEnd);
      const existing = byName[name];
      if (existing === undefined) byName[name] = value;
      else if (typeof existing === 'string') byName[name] = [existing, value];
      else existing.push(value);
    }
    i += 2;
  }
  return { names: names.slice(0, count), offsets: offsets.slice(0, count * 4), byName };
}

/** Working arrays of `parseHeaderFields` (parsing is synchronous): never shrunk, their slots are overwritten. */
const scratchNames: string[] = [];
const scratchOffsets: number[] = [];

/** The value of field `index`, as a string. */
export function fieldValue(buf: Buffer, fields: HeaderFields, index: number): string {
  return buf.toString('latin1', fields.offsets[index * 4 + 1], fields.offsets[index * 4 + 2]);
}

/** The name of field `index` as sent (case kept). */
export function fieldName(buf: Buffer, fields: HeaderFields, index: number): string {
  const start = fields.offsets[index * 4]!;
  return buf.toString('latin1', start, start + fields.names[index]!.length);
}

/** Where `fieldIndex` says a field is absent, or repeated. */
export const ABSENT = -1;
export const REPEATED = -2;

/** The index of the one field named `lowerName`; `ABSENT`, or `REPEATED` when it occurs more than once. */
export function fieldIndex(fields: HeaderFields, lowerName: string): number {
  const names = fields.names;
  let found = ABSENT;
  for (let f = 0; f < names.length; f++) {
    if (names[f] !== lowerName) continue;
    if (found !== ABSENT) return REPEATED;
    found = f;
  }
  return found;
}

/** The single value of a field; `null` when absent, `false` when repeated. */
export function singleField(buf: Buffer, fields: HeaderFields, lowerName: string): string | null | false {
  let found = -1;
  for (let f = 0; f < fields.names.length; f++) {
    if (fields.names[f] !== lowerName) continue;
    if (found !== -1) return false;
    found = f;
  }
  return found === -1 ? null : fieldValue(buf, fields, found);
}

/** `Connection: keep-alive` and `Connection: close`, nearly every Connection header: one shared answer each. */
const keepAliveOnly: readonly string[] = Object.freeze(['keep-alive']);
const closeOnly: readonly string[] = Object.freeze(['close']);

/**
 * All values of a list field (`Connection: a, b` over one or more lines), as lower-case tokens; null if absent.
 * The result is shared (frozen) for the common single `keep-alive` or `close`, so it must not be changed.
 */
export function fieldTokens(buf: Buffer, fields: HeaderFields, lowerName: string): readonly string[] | null {
  let tokens: string[] | null = null;
  let first = -1;
  for (let f = 0; f < fields.names.length; f++) {
    if (fields.names[f] !== lowerName) continue;
    if (first === -1) {
      first = f;
      continue;
    }
    tokens ??= splitTokens(fieldValue(buf, fields, first));
    for (const token of splitTokens(fieldValue(buf, fields, f))) tokens.push(token);
  }
  if (tokens !== null || first === -1) return tokens;
  // Compared as bytes: the common values need no string.
  if (valueEquals(buf, fields, first, 'keep-alive')) return keepAliveOnly;
  if (valueEquals(buf, fields, first, 'close')) return closeOnly;
  return splitTokens(fieldValue(buf, fields, first));
}

/** Whether the value of field `index` is exactly `text` (ASCII). */
function valueEquals(buf: Buffer, fields: HeaderFields, index: number, text: string): boolean {
  const start = fields.offsets[index * 4 + 1]!;
  if (fields.offsets[index * 4 + 2]! - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Comma-separated tokens, trimmed and lower-cased, empty ones dropped. */
export function splitTokens(value: string): string[] {
  if (value.indexOf(',') === -1) {
    const token = value.trim().toLowerCase();
    return token === '' ? [] : [token];
  }
  const tokens: string[] = [];
  for (const part of value.split(',')) {
    const token = part.trim().toLowerCase();
    if (token !== '') tokens.push(token);
  }
  return tokens;
}

/**
 * The value of field `index` as a Content-Length: 1 to 15 decimal digits (below 2^53), nothing else: no sign, no
 * spaces, no lists ("5, 5"). -1 if invalid. Read from the bytes: no string is made.
 */
export function contentLengthValue(buf: Buffer, fields: HeaderFields, index: number): number {
  const start = fields.offsets[index * 4 + 1]!;
  const end = fields.offsets[index * 4 + 2]!;
  if (end === start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}
