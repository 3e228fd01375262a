import { headBuilder } from '../http/head-builder.ts';
import { statusText } from '../http/status-text.ts';
import { fieldLines, type UnsafeValueCounter } from './forward-heads.ts';

/**
 * A response the proxy makes itself (errors, redirects, CORS preflights). ALB's error semantics: the reason goes
 * in `X-ALB-ERR-REASON` so a user can tell a proxy 404 from an application 404. Its fields pass the same check as
 * every other generated line: one that cannot be written safely is left out and counted.
 */
export function localResponse(
  status: number,
  options: { reason?: string; headers?: string[]; body?: string; close: boolean; keepAliveHeader?: boolean },
  stats: UnsafeValueCounter,
): Buffer {
  const body = options.body ?? (status >= 400 ? `${status} ${statusText(status)}\n` : '');
  let head = `HTTP/1.1 ${status} ${statusText(status)}\r\n`;
  if (options.reason !== undefined) head += fieldLines(['X-ALB-ERR-REASON', options.reason], stats);
  if (options.headers !== undefined) head += fieldLines(options.headers, stats);
  // 204 and 304 carry no body and no Content-Length (RFC 9110 8.6).
  const withBody = status !== 204 && status !== 304;
  if (withBody) head += `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  if (options.close) head += 'Connection: close\r\n';
  else if (options.keepAliveHeader) head += 'Connection: keep-alive\r\n';
  return headBuilder.text(head + '\r\n').build(withBody ? Buffer.from(body) : undefined);
}
