import type { RedirectConfig } from '../config.ts';
import { encodePath, rawQuery } from './path-encoding.ts';
import { replacePrefix } from './replace-prefix.ts';
import type { RequestContext } from './request-context.ts';

export type Redirect = { code: number; location: (ctx: RequestContext) => string };

/**
 * ALB's redirect (`l7_redirect.lua`): the status is `code`, or 302. With only `url` set, Location is that URL;
 * otherwise `(scheme || request scheme)://(host || request host)[:port](url || path)`, with `prefixMatch` replaced
 * by `replacePrefix` in the path. One fix: when the path comes from the request, its query string is kept (ALB
 * dropped it, so `?page=2` was lost on an https upgrade).
 */
export function compileRedirect(config: RedirectConfig | null | undefined): Redirect | null {
  if (config === null || config === undefined) return null;
  const code = config.code ? config.code : 302;
  const url = config.url || null;
  const { scheme, host, port } = config;
  const match = config.prefixMatch || null;
  const replace = config.replacePrefix ?? '';
  if (scheme == null && host == null && port == null && url !== null && match === null) {
    return { code, location: () => url };
  }
  return {
    code,
    location(ctx) {
      let path = url ?? ctx.view.path();
      if (match !== null) path = replacePrefix(path, match, replace);
      const query = url === null ? rawQuery(ctx.head.target) : '';
      const authority = `${host ?? requestHost(ctx)}${port != null ? `:${port}` : ''}`;
      return `${scheme ?? ctx.scheme}://${authority}${url === null ? encodePath(path) : path}${query === '' ? '' : `?${query}`}`;
    },
  };
}

/** The host as nginx's `$host`: without the port (a redirect to another port says so explicitly). */
function requestHost(ctx: RequestContext): string {
  return ctx.view.host() ?? '';
}
