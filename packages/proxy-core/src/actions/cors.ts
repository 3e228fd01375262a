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
 * ALB's CORS headers (`cors.lua`): ALB's method list and the configured (or default) request headers.
 *
 * With no list of origins (or `*`), `Access-Control-Allow-Origin: *` without credentials, as ALB answers: browsers
 * refuse to combine `*` with credentials, so no page can make credentialed requests. (Echoing the Origin with
 * credentials, as this proxy once did, let any page do that.)
 *
 * With a list, an Origin in it is echoed with `Access-Control-Allow-Credentials: true`; an Origin outside it (and
 * `null`, unless listed) gets no Allow-Origin, so the browser refuses it; a request without Origin (not a CORS
 * request) gets the whole list, as ALB does. `Vary: Origin` tells caches the answer depends on the Origin.
 */
export function corsHeaders(cors: Cors, origin: string | undefined, preflight: boolean): HeaderList {
  const headers: HeaderList = [];
  if (cors.allowOrigins.length === 0) {
    headers.push('Access-Control-Allow-Origin', '*');
  } else {
    const allowOrigin = origin === undefined ? cors.allowOrigins.join(', ') : matchOrigin(cors.allowOrigins, origin);
    if (allowOrigin !== null) headers.push('Access-Control-Allow-Origin', allowOrigin);
    headers.push('Access-Control-Allow-Credentials', 'true', 'Vary', 'Origin');
  }
  headers.push('Access-Control-Allow-Methods', allowMethods, 'Access-Control-Allow-Headers', cors.allowHeaders);
  if (preflight) headers.push('Access-Control-Max-Age', '1728000');
  return headers;
}

function matchOrigin(allowed: string[], origin: string): string | null {
  return allowed.includes(origin) ? origin : null;
}
