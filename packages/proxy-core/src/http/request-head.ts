import { METHODS } from 'node:http';
import { CR, HOST, LF, SP, TARGET, TOKEN } from './chars.ts';
import {
  ABSENT,
  contentLengthValue,
  fieldIndex,
  fieldTokens,
  parseHeaderFields,
  REPEATED,
  type HeaderFields,
} from './header-fields.ts';
import type { HeadError } from './head-error.ts';
import { parseVersion } from './http-version.ts';
import type { HttpLimits } from './limits.ts';

/** A parsed and validated request head, with its body framing already decided. */
export type RequestHead = {
  method: string;
  /** The request-target as received (origin-form `/p?q`, absolute-form `http://h/p`, or `*`). */
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  versionMinor: number;
  /** The buffer holding the head (the field offsets point into it); on plain TCP the shared read buffer, valid only
   * while the read that brought it is handled. */
  source: Buffer;
  fields: HeaderFields;
  /** Lower-case names; a repeated field gives an array of its values in order. */
  headers: Record<string, string | string[]>;
  /** The Host header value, or the authority of an absolute-form target; undefined when absent. */
  host: string | undefined;
  /** Body length in bytes when sized; -1 when chunked or absent. */
  contentLength: number;
  chunked: boolean;
  /** Whether the client wants the connection kept open after this exchange. */
  keepAlive: boolean;
  /** The lower-case tokens of the Connection header (hop-by-hop fields to drop), or null. */
  connectionTokens: readonly string[] | null;
  /** The Upgrade header when the client asked for an upgrade (`Connection: upgrade`), else null. */
  upgrade: string | null;
  expectContinue: boolean;
};

/**
 * Parses a request head strictly per RFC 9112: `buf[0, end)` is the head without its final CRLF CRLF. Anything a
 * stricter parser could read differently (CL+TE, duplicate or invalid Content-Length, obs-fold, bare CR or LF,
 * whitespace before a colon, control bytes) is refused: a proxy that reads a message differently from the server
 * behind it is how request smuggling happens.
 */
export function parseRequestHead(buf: Buffer, end: number, limits: HttpLimits): RequestHead | HeadError {
  let i = 0;
  while (i < end && TOKEN[buf[i]!] === 1) i++;
  if (i === 0 || buf[i] !== SP) return { status: 400, reason: 'invalid method' };
  let method = commonMethod(buf, i);
  if (method === null) {
    method = buf.toString('latin1', 0, i);
    // Only the methods llhttp knows: a server behind us built on it would refuse the others anyway.
    if (!knownMethods.has(method)) return { status: 501, reason: 'unknown method' };
    // TRACE echoes the request, credentials included, to whoever can read the response (nginx answers 405 too).
    if (method === 'TRACE') return { status: 405, reason: 'TRACE is not allowed' };
  }
  const targetStart = ++i;
  while (i < end && TARGET[buf[i]!] === 1) i++;
  if (i - targetStart > limits.maxTargetBytes) return { status: 414, reason: 'request-target too long' };
  if (i === targetStart || buf[i] !== SP) return { status: 400, reason: 'invalid request-target' };
  const target = buf.toString('latin1', targetStart, i);
  const version = parseVersion(buf, i + 1, end);
  if (typeof version !== 'number') return version;
  i += 9;
  if (buf[i] !== CR || buf[i + 1] !== LF) return { status: 400, reason: 'invalid request line' };

  const fields = parseHeaderFields(buf, i + 2, end, limits.maxHeaderCount, true);
  if ('status' in fields) return fields;
  const headers = fields.byName!;

  let host = singleHeader(headers, 'host');
  if (host === false) return { status: 400, reason: 'duplicate Host header' };
  if (host === null && version === 1) return { status: 400, reason: 'missing Host header' };
  if (host !== null && !isValidHost(host)) return { status: 400, reason: 'invalid Host header' };

  const contentLengthField = headers['content-length'] === undefined ? ABSENT : fieldIndex(fields, 'content-length');
  if (contentLengthField === REPEATED) return { status: 400, reason: 'duplicate Content-Length' };
  const contentLength = contentLengthField === ABSENT ? -1 : contentLengthValue(buf, fields, contentLengthField);
  if (contentLengthField !== ABSENT && contentLength === -1) return { status: 400, reason: 'invalid Content-Length' };

  const transferEncoding = singleHeader(headers, 'transfer-encoding');
  if (transferEncoding === false) return { status: 400, reason: 'duplicate Transfer-Encoding' };
  let chunked = false;
  if (transferEncoding !== null) {
    if (version === 0) return { status: 400, reason: 'Transfer-Encoding in an HTTP/1.0 request' };
    if (contentLengthField !== ABSENT) return { status: 400, reason: 'both Content-Length and Transfer-Encoding' };
    // Only chunked is understood; anything else could be framed differently by the next hop.
    if (transferEncoding.toLowerCase() !== 'chunked') return { status: 501, reason: 'unsupported Transfer-Encoding' };
    chunked = true;
  }

  if (target.charCodeAt(0) !== 47 /* / */) {
    const targetProblem = checkTargetForm(method, target);
    if (targetProblem !== null) return targetProblem;
    const authority = absoluteFormAuthority(target);
    if (authority !== undefined) {
      // RFC 9112 3.2.2: an http(s) target must have a host; an empty one would go upstream as an empty Host.
      if (authority === '' || !isValidHost(authority))
        return { status: 400, reason: 'invalid request-target authority' };
      host = authority; // RFC 9112 3.2.2: the target's authority replaces Host
    }
  }

  const connectionTokens = headers.connection === undefined ? null : fieldTokens(buf, fields, 'connection');
  const closeAsked = connectionTokens !== null && connectionTokens.includes('close');
  const keepAlive = version === 1 ? !closeAsked : connectionTokens !== null && connectionTokens.includes('keep-alive');
  const upgrade = singleHeader(headers, 'upgrade');
  const wantsUpgrade = typeof upgrade === 'string' && connectionTokens !== null && connectionTokens.includes('upgrade');

  const expect = singleHeader(headers, 'expect');
  if (expect === false || (expect !== null && expect.toLowerCase() !== '100-continue')) {
    return { status: 417, reason: 'unsupported Expect' };
  }

  return {
    method,
    target,
    versionMinor: version,
    source: buf,
    fields,
    headers,
    host: host ?? undefined,
    contentLength,
    chunked,
    keepAlive,
    connectionTokens,
    upgrade: wantsUpgrade ? upgrade : null,
    expectContinue: expect !== null && version === 1,
  };
}

const knownMethods = new Set(METHODS);

/** GET and POST without building a string (most requests). */
function commonMethod(buf: Buffer, length: number): string | null {
  if (length === 3 && buf[0] === 71 && buf[1] === 69 && buf[2] === 84) return 'GET';
  if (length === 4 && buf[0] === 80 && buf[1] === 79 && buf[2] === 83 && buf[3] === 84) return 'POST';
  return null;
}

/** The single value of a header; `null` when absent, `false` when repeated. */
function singleHeader(headers: Record<string, string | string[]>, lowerName: string): string | null | false {
  const value = headers[lowerName];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : false;
}

function isValidHost(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (HOST[value.charCodeAt(i)] !== 1) return false;
  return true;
}

function checkTargetForm(method: string, target: string): HeadError | null {
  if (target.charCodeAt(0) === 47 /* / */) return null;
  if (target === '*') return method === 'OPTIONS' ? null : { status: 400, reason: 'asterisk-form is only for OPTIONS' };
  if (method === 'CONNECT') return { status: 405, reason: 'CONNECT is not supported' };
  if (absoluteFormAuthority(target) !== undefined) return null;
  return { status: 400, reason: 'invalid request-target' };
}

/** The authority of an `http://` or `https://` absolute-form target (userinfo dropped), else undefined. */
export function absoluteFormAuthority(target: string): string | undefined {
  const schemeEnd = target.indexOf('://');
  if (schemeEnd !== 4 && schemeEnd !== 5) return undefined;
  const scheme = target.slice(0, schemeEnd).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  let authorityEnd = schemeEnd + 3;
  while (authorityEnd < target.length) {
    const c = target.charCodeAt(authorityEnd);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    authorityEnd++;
  }
  const authority = target.slice(schemeEnd + 3, authorityEnd);
  const at = authority.lastIndexOf('@');
  return at === -1 ? authority : authority.slice(at + 1);
}
