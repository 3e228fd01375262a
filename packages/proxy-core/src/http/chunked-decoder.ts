import { COLON, CR, FIELD_VALUE, LF, TOKEN } from './chars.ts';
import type { HttpLimits } from './limits.ts';

const SIZE = 0;
const SIZE_DIGITS = 1;
const EXTENSION = 2;
const SIZE_LF = 3;
const DATA = 4;
const DATA_CR = 5;
const DATA_LF = 6;
const TRAILER_LINE_START = 7;
const TRAILER_LINE = 8;
const TRAILER_LF = 9;
const END_LF = 10;
const DONE = 11;

/** Largest chunk size accepted: 2^52 (13 hex digits), far beyond any real chunk and exact as a JS number. */
const MAX_SIZE_DIGITS = 13;

/**
 * Decodes a chunked body incrementally (RFC 9112 7.1), byte-exact and strict: a size is 1-13 hex digits, optionally
 * followed by `;extensions`; every line ends in CRLF; data is followed by CRLF. Trailer fields are
 * validated and dropped. No whitespace is accepted between a size and its `;` (as llhttp). `feed` hands out data as ranges of the input (no copies) and stops at the end of the body,
 * returning where it stopped, so bytes after it (a pipelined request) stay with the caller.
 */
export class ChunkedDecoder {
  /** Set when the framing is invalid; the message must be refused and the connection closed. */
  error: string | null = null;
  private state = SIZE;
  private remaining = 0;
  private digits = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  private sawColon = false;
  private readonly limits: HttpLimits;

  constructor(limits: HttpLimits) {
    this.limits = limits;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  /**
   * Consumes `buf[start, end)`, calling `onData(buf, from, to)` for each piece of body data; returns the index
   * where it stopped (`end`, or just past the body's last byte).
   */
  feed(buf: Buffer, start: number, end: number, onData: (buf: Buffer, from: number, to: number) => void): number {
    let i = start;
    const len = end;
    while (i < len) {
      switch (this.state) {
        case DATA: {
          const take = Math.min(this.remaining, len - i);
          onData(buf, i, i + take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = DATA_CR;
          continue;
        }
        case SIZE:
        case SIZE_DIGITS: {
          const c = buf[i]!;
          const v = hexValue(c);
          if (v !== -1) {
            if (++this.digits > MAX_SIZE_DIGITS) return this.fail(i, 'chunk size too large');
            this.remaining = this.remaining * 16 + v;
            this.state = SIZE_DIGITS;
          } else if (this.state === SIZE) {
            return this.fail(i, 'invalid chunk size');
          } else if (c === CR) {
            this.state = SIZE_LF;
          } else if (c === 59 /* ; */) {
            this.state = EXTENSION;
            this.lineBytes = this.digits;
          } else {
            return this.fail(i, 'invalid chunk size');
          }
          i++;
          continue;
        }
        case EXTENSION: {
          const c = buf[i]!;
          if (c === CR) this.state = SIZE_LF;
          else if (FIELD_VALUE[c] !== 1) return this.fail(i, 'invalid chunk extension');
          else if (++this.lineBytes > this.limits.maxChunkLineBytes) return this.fail(i, 'chunk extension too long');
          i++;
          continue;
        }
        case SIZE_LF:
          if (buf[i] !== LF) return this.fail(i, 'chunk size line not ended by CRLF');
          i++;
          this.digits = 0;
          this.state = this.remaining === 0 ? TRAILER_LINE_START : DATA;
          continue;
        case DATA_CR:
          if (buf[i] !== CR) return this.fail(i, 'chunk data not followed by CRLF');
          i++;
          this.state = DATA_LF;
          continue;
        case DATA_LF:
          if (buf[i] !== LF) return this.fail(i, 'chunk data not followed by CRLF');
          i++;
          this.state = SIZE;
          continue;
        case TRAILER_LINE_START: {
          const c = buf[i]!;
          if (c === CR) {
            this.state = END_LF;
          } else if (TOKEN[c] === 1) {
            this.state = TRAILER_LINE;
            this.lineBytes = 1;
            this.sawColon = false;
          } else {
            return this.fail(i, 'invalid trailer field');
          }
          i++;
          if (++this.trailerBytes > this.limits.maxTrailerBytes) return this.fail(i, 'trailer section too large');
          continue;
        }
        case TRAILER_LINE: {
          const c = buf[i]!;
          if (c === CR) {
            if (!this.sawColon) return this.fail(i, 'invalid trailer field');
            this.state = TRAILER_LF;
          } else if (!this.sawColon) {
            if (c === COLON) this.sawColon = true;
            else if (TOKEN[c] !== 1) return this.fail(i, 'invalid trailer field name');
          } else if (FIELD_VALUE[c] !== 1) {
            return this.fail(i, 'invalid trailer field value');
          }
          i++;
          if (++this.trailerBytes > this.limits.maxTrailerBytes) return this.fail(i, 'trailer section too large');
          continue;
        }
        case TRAILER_LF:
          if (buf[i] !== LF) return this.fail(i, 'trailer field not ended by CRLF');
          i++;
          this.state = TRAILER_LINE_START;
          continue;
        case END_LF:
          if (buf[i] !== LF) return this.fail(i, 'chunked body not ended by CRLF');
          i++;
          this.state = DONE;
          return i;
        default:
          return i;
      }
    }
    return i;
  }

  private fail(at: number, reason: string): number {
    this.error = reason;
    return at;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
