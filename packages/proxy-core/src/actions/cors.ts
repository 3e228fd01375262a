import type { CorsConfig } from '../config.ts';
import type { HeaderList } from './header-rewrite.ts';

const defaultAllowHeaders =
  'DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Authorization';
const allowMethods = 'GET, PUT, POST, DELETE, PATCH, OPTIONS';

export type Cors = { allowOrigins: string[]; allowHeaders: string };

export function compileCors(config: CorsConfig | null | undefined): Cors | null {
  if (config === null || config === undefined) return null;
  const allowOrigins = config.allowOrigins.map((o) => o.trim()).filter((o) => o !== '' && o !== '*');
  return { allowOrigins, allowHeaders: config.allowHeaders || defaultAllowHeaders };
}

/**
 * ALB's CORS headers (`cors.lua`): credentials allowed, ALB's method list, the configured (or default) request
 * headers. Allow-Origin echoes the request's Origin when it is allowed; with no Origin the whole list is sent;
 * with no list, any Origin is echoed (`*` would be refused by browsers together with credentials) and `*` is sent
 * when there is no Origin. An Origin outside the list gets no Allow-Origin, so the browser refuses it.
 */
export function corsHeaders(cors: Cors, origin: string | undefined, preflight: boolean): HeaderList {
  const headers: HeaderList = [];
  let allowOrigin: string | null;
  if (cors.allowOrigins.length === 0) allowOrigin = origin ?? '*';
  else if (origin === undefined) allowOrigin = cors.allowOrigins.join(', ');
  else allowOrigin = cors.allowOrigins.includes(origin) ? origin : null;
  if (allowOrigin !== null) headers.push('Access-Control-Allow-Origin', allowOrigin);
  headers.push(
    'Access-Control-Allow-Credentials',
    'true',
    'Access-Control-Allow-Methods',
    allowMethods,
    'Access-Control-Allow-Headers',
    cors.allowHeaders,
  );
  if (allowOrigin !== null && allowOrigin !== '*') headers.push('Vary', 'Origin');
  if (preflight) headers.push('Access-Control-Max-Age', '1728000');
  return headers;
}
