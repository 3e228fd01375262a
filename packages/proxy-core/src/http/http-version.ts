import type { HeadError } from './head-error.ts';

/** `HTTP/1.0` or `HTTP/1.1` at `buf[i]` (the minor version: 0 or 1); other well-formed versions get 505. */
export function parseVersion(buf: Buffer, i: number, end: number): number | HeadError {
  if (
    i + 8 > end ||
    buf[i] !== 72 || // H
    buf[i + 1] !== 84 || // T
    buf[i + 2] !== 84 || // T
    buf[i + 3] !== 80 || // P
    buf[i + 4] !== 47 || // /
    !isDigit(buf[i + 5]!) ||
    buf[i + 6] !== 46 || // .
    !isDigit(buf[i + 7]!)
  ) {
    return { status: 400, reason: 'invalid HTTP version' };
  }
  if (buf[i + 5] !== 49 || (buf[i + 7] !== 48 && buf[i + 7] !== 49)) {
    return { status: 505, reason: 'HTTP version not supported' };
  }
  return buf[i + 7]! - 48;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
