import type { AuthConfig, RequestHeaderRewrite } from '../config.ts';
import { compileBasicAuth } from './basic-auth.ts';
import { compileForwardAuth } from './forward-auth.ts';
import { denied, type RouteAuth } from './route-auth.ts';

/**
 * A route's auth, compiled; `null` with `ok` when the route has none. A config that cannot be honoured is
 * reported and `ok` is false: the route is left out (never served without its auth).
 */
export function compileAuth(
  config: AuthConfig | null | undefined,
  report: (field: string, message: string) => void,
): { ok: boolean; auth: RouteAuth | null } {
  if (config == null) return { ok: true, auth: null };
  let auth: RouteAuth | null;
  switch (config.kind) {
    case 'forward':
      auth = compileForwardAuth(config, report);
      break;
    case 'basic':
      auth = compileBasicAuth(config, report);
      break;
    case 'deny': {
      const verdict = denied(503, `AuthFail : ${config.reason}`);
      auth = { strippedRequestFields: [], authorize: () => verdict };
      break;
    }
    default:
      report('auth.kind', `unknown auth kind ${JSON.stringify((config as { kind: unknown }).kind)}`);
      auth = null;
  }
  return auth === null ? { ok: false, auth: null } : { ok: true, auth };
}

/**
 * The route's request rewrite, extended so the client's own values of fields the proxy sets after routing (the
 * ones auth copies from its service, the trace context) never reach the upstream.
 */
export function withFieldsRemoved(
  rewrite: RequestHeaderRewrite | null | undefined,
  removed: readonly string[],
): RequestHeaderRewrite | null | undefined {
  if (removed.length === 0) return rewrite;
  return { ...rewrite, headersRemove: [...(rewrite?.headersRemove ?? []), ...removed] };
}
