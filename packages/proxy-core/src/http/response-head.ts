import { CR, LF, SP } from './chars.ts';
import { fieldTokens, parseContentLength, parseHeaderFields, singleField } from './header-fields.ts';
import type { HttpLimits } from './limits.ts';
import { parseVersion } from './request-head.ts';

/** An upstream response head and how its body is framed. */
export type ResponseHead = {
  versionMinor: number;
  status: number;
  reason: string;
  /** `[name, lowerName, value, ...]` triples. */
  rawHeaders: string[];
  headers: Record<string, string | string[]>;
  /** 'none' (HEAD, 1xx, 204, 304), 'length', 'chunked', or 'close' (read until the upstream closes). */
  framing: 'none' | 'length' | 'chunked' | 'close';
  contentLength: number;
  connectionTokens: string[] | null;
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
  let i = 9;
  const status = digit(buf[i]) * 100 + digit(buf[i + 1]) * 10 + digit(buf[i + 2]);
  if (!(status >= 100 && status <= 999)) return 'invalid status code';
  i += 3;
  let reasonEnd = i;
  if (buf[i] === SP) {
    reasonEnd = ++i;
    while (reasonEnd < end && buf[reasonEnd] !== CR && buf[reasonEnd] !== LF) reasonEnd++;
  }
  if (buf[reasonEnd] !== CR || buf[reasonEnd + 1] !== LF) {
    if (reasonEnd !== end) return 'invalid status line';
  }
  const reason = buf.toString('latin1', i, reasonEnd);
  const fields = parseHeaderFields(buf, reasonEnd + 2, end, limits.maxHeaderCount);
  if ('status' in fields) return `upstream ${fields.reason}`;

  const contentLengthField = singleField(fields, 'content-length');
  if (contentLengthField === false) return 'duplicate Content-Length';
  const contentLength = contentLengthField === null ? -1 : parseContentLength(contentLengthField);
  if (contentLengthField !== null && contentLength === -1) return 'invalid Content-Length';
  const transferEncoding = singleField(fields, 'transfer-encoding');
  if (transferEncoding === false) return 'duplicate Transfer-Encoding';
  if (transferEncoding !== null && contentLengthField !== null) return 'both Content-Length and Transfer-Encoding';

  const connectionTokens = fieldTokens(fields, 'connection');
  let framing: ResponseHead['framing'];
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) framing = 'none';
  else if (transferEncoding !== null) framing = transferEncoding.toLowerCase() === 'chunked' ? 'chunked' : 'close';
  else if (contentLength !== -1) framing = 'length';
  else framing = 'close';
  const keepAliveAsked = connectionTokens !== null && connectionTokens.includes('keep-alive');
  const closeAsked = connectionTokens !== null && connectionTokens.includes('close');
  const reusable = framing !== 'close' && !closeAsked && (version === 1 || keepAliveAsked);

  return {
    versionMinor: version,
    status,
    reason,
    rawHeaders: fields.raw,
    headers: fields.byName,
    framing,
    contentLength,
    connectionTokens,
    reusable,
  };
}

function digit(c: number | undefined): number {
  return c !== undefined && c >= 48 && c <= 57 ? c - 48 : -1000;
}
