import type { DslxTerm, MatchRequest } from '../src/index.ts';

/** A request with sensible defaults: GET / from 10.0.0.1 with no headers. */
export function request(
  parts: { method?: string; url?: string; host?: string; headers?: MatchRequest['headers']; ip?: string } = {},
): MatchRequest {
  const headers: MatchRequest['headers'] = { ...parts.headers };
  if (parts.host !== undefined) headers.host = parts.host;
  return { method: parts.method ?? 'GET', url: parts.url ?? '/', headers, remoteAddress: parts.ip ?? '10.0.0.1' };
}

/** A one-term dslx. */
export function term(type: DslxTerm['type'], ...rows: string[][]): DslxTerm[] {
  return [{ type, values: rows }];
}

export function keyed(type: DslxTerm['type'], key: string, ...rows: string[][]): DslxTerm[] {
  return [{ type, key, values: rows }];
}
