import { statusText } from '../http/status-text.ts';

/**
 * A response the proxy makes itself (errors, redirects, CORS preflights). ALB's error semantics: the reason goes
 * in `X-ALB-ERR-REASON` so a user can tell a proxy 404 from an application 404.
 */
export function localResponse(
  status: number,
  options: { reason?: string; headers?: string[]; body?: string; close: boolean; keepAliveHeader?: boolean },
): string {
  const body = options.body ?? (status >= 400 ? `${status} ${statusText(status)}\n` : '');
  let head = `HTTP/1.1 ${status} ${statusText(status)}\r\n`;
  if (options.reason !== undefined) head += `X-ALB-ERR-REASON: ${options.reason}\r\n`;
  const headers = options.headers;
  if (headers !== undefined) for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  // 204 and 304 carry no body and no Content-Length (RFC 9110 8.6).
  if (status !== 204 && status !== 304) {
    head += `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  }
  if (options.close) head += 'Connection: close\r\n';
  else if (options.keepAliveHeader) head += 'Connection: keep-alive\r\n';
  return head + '\r\n' + body;
}
