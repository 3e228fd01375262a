import type { IncomingHttpHeaders } from 'node:http2';

/** Fields HTTP/2 forbids in requests (RFC 9113 8.2.2) or that the proxy sets itself: never copied into the head. */
const notCopied = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'host',
  'content-length',
  'expect',
  'http2-settings',
]);

/** The HTTP/1.1 request an HTTP/2 stream carries, as bytes, and how its body is framed; or why it is refused. */
export type H1Request =
  | { ok: true; head: Buffer; method: string; body: 'none' | 'chunked' | 'length'; contentLength: number }
  | { ok: false; status: number; reason: string };

/**
 * Writes an HTTP/2 request as the HTTP/1.1 request the HTTP/1.1 connection code serves: `:method`, `:path` and
 * `:authority` become the request line and Host, fields are copied (split cookies joined, RFC 9113 8.2.3), and the
 * body is framed by its Content-Length when the client gave one, else chunked. `Connection: close` makes it one
 * exchange. The result is parsed by the same strict parser as any client's bytes, so nothing HTTP/2 lets through
 * (nghttp2 already refuses CR, LF and NUL in fields) can reach an upstream unchecked.
 */
export function h1RequestFromH2(headers: IncomingHttpHeaders, endStream: boolean): H1Request {
  const method = headers[':method'];
  const path = headers[':path'];
  const authority = headers[':authority'] ?? headers.host;
  if (typeof method !== 'string' || method === 'CONNECT')
    return { ok: false, status: 405, reason: 'CONNECT is not supported' };
  if (typeof path !== 'string' || path === '') return { ok: false, status: 400, reason: 'missing :path' };
  if (typeof authority !== 'string' || authority === '')
    return { ok: false, status: 400, reason: 'missing :authority' };
  let text = `${method} ${path} HTTP/1.1\r\nHost: ${authority}\r\n`;
  let cookie: string | null = null;
  for (const name of Object.keys(headers)) {
    if (name.charCodeAt(0) === 58 /* : */ || notCopied.has(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'cookie') {
      const joined = Array.isArray(value) ? value.join('; ') : value;
      cookie = cookie === null ? joined : `${cookie}; ${joined}`;
      continue;
    }
    if (Array.isArray(value)) for (const v of value) text += `${name}: ${v}\r\n`;
    else text += `${name}: ${value}\r\n`;
  }
  if (cookie !== null) text += `cookie: ${cookie}\r\n`;
  let body: 'none' | 'chunked' | 'length' = 'none';
  let contentLength = 0;
  const declared = headers['content-length'];
  if (typeof declared === 'string' && declared !== '') {
    if (!/^\d{1,15}$/.test(declared)) return { ok: false, status: 400, reason: 'invalid content-length' };
    contentLength = Number(declared);
    body = contentLength > 0 ? 'length' : 'none';
    text += `Content-Length: ${declared}\r\n`;
  } else if (!endStream) {
    body = 'chunked';
    text += 'Transfer-Encoding: chunked\r\n';
  }
  text += 'Connection: close\r\n\r\n';
  return { ok: true, head: Buffer.from(text, 'latin1'), method, body, contentLength };
}
