import { CR, FIELD_VALUE, LF, SP } from './chars.ts';
import {
  ABSENT,
  contentLengthValue,
  fieldIndex,
  fieldTokens,
  fieldValue,
  parseHeaderFields,
  REPEATED,
  singleField,
  type HeaderFields,
} from './header-fields.ts';
import type { HttpLimits } from './limits.ts';
import { parseVersion } from './http-version.ts';

/** An upstream response head and how its body is framed. Field lines stay offsets into `source`. */
export type ResponseHead = {
  versionMinor: number;
  status: number;
  /** The status line's reason phrase: `source[reasonStart, reasonEnd)`. */
  reasonStart: number;
  reasonEnd: number;
  source: Buffer;
  fields: HeaderFields;
  /** 'none' (HEAD, 1xx, 204, 304), 'length', 'chunked', or 'close' (read until the upstream closes). */
  framing: 'none' | 'length' | 'chunked' | 'close';
  contentLength: number;
  connectionTokens: readonly string[] | null;
  /** The Upgrade header of a 101 response. */
  upgrade: string | null;
  /** Whether the upstream connection may carry another request afterwards. */
  reusable: boolean;
};

/**
 * Parses an upstream response head (`buf[0, end)`, without the final CRLF CRLF) for a request with `method`.
 * Anything ambiguous (CL with TE, duplicate Content-Length) is an error: the proxy answers 502 rather than guess.
 */
export function parseResponseHead(buf: Buffer, end: number, method: string, limits: HttpLimits): ResponseHead | string {
  const version = parseVersion(buf, 0, end);
  if (typeof version !== 'number') return version.reason;
  if (buf[8] !== SP) return 'invalid status line';
  const status = digit(buf[9]) * 100 + digit(buf[10]) * 10 + digit(buf[11]);
  if (!(status >= 100 && status <= 999)) return 'invalid status code';
  let reasonStart = 12;
  let reasonEnd = 12;
  if (buf[12] === SP) {
    reasonStart = reasonEnd = 13;
    // The reason phrase is forwarded byte for byte: HTAB, SP, visible characters and obs-text only.
    while (reasonEnd < end && FIELD_VALUE[buf[reasonEnd]!] === 1) reasonEnd++;
  }
  if (reasonEnd !== end && (buf[reasonEnd] !== CR || buf[reasonEnd + 1] !== LF)) return 'invalid status line';
  const fields = parseHeaderFields(buf, reasonEnd + 2, end, limits.maxHeaderCount, false);
  if ('status' in fields) return `upstream ${fields.reason}`;

  const contentLengthField = fieldIndex(fields, 'content-length');
  if (contentLengthField === REPEATED) return 'duplicate Content-Length';
  const contentLength = contentLengthField === ABSENT ? -1 : contentLengthValue(buf, fields, contentLengthField);
  if (contentLengthField !== ABSENT && contentLength === -1) return 'invalid Content-Length';
  const transferEncoding = singleField(buf, fields, 'transfer-encoding');
  if (transferEncoding === false) return 'duplicate Transfer-Encoding';
  if (transferEncoding !== null && contentLengthField !== ABSENT) return 'both Content-Length and Transfer-Encoding';
  // Only chunked is understood; a body in another coding cannot be framed safely (nginx answers 502 too).
  if (transferEncoding !== null && transferEncoding.toLowerCase() !== 'chunked') return 'unsupported Transfer-Encoding';

  const connectionTokens = fieldTokens(buf, fields, 'connection');
  let framing: ResponseHead['framing'];
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) framing = 'none';
  else if (transferEncoding !== null) framing = 'chunked';
  else if (contentLength !== -1) framing = 'length';
  else framing = 'close';
  const keepAliveAsked = connectionTokens !== null && connectionTokens.includes('keep-alive');
  const closeAsked = connectionTokens !== null && connectionTokens.includes('close');
  const reusable = framing !== 'close' && !closeAsked && (version === 1 || keepAliveAsked);
  let upgrade: string | null = null;
  if (status === 101) {
    const index = fields.names.indexOf('upgrade');
    if (index !== -1) upgrade = fieldValue(buf, fields, index);
  }
  return {
    versionMinor: version,
    status,
    reasonStart,
    reasonEnd,
    source: buf,
    fields,
    framing,
    contentLength,
    connectionTokens,
    upgrade,
    reusable,
  };
}

function digit(c: number | undefined): number {
  return c !== undefined && c >= 48 && c <= 57 ? c - 48 : -1000;
}
