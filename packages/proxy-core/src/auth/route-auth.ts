import type { HeaderList } from '../actions/header-rewrite.ts';
import type { RequestContext } from '../actions/request-context.ts';

/** What an auth check decided: pass (with fields to add to the upstream request), or the answer to give. */
export type AuthVerdict =
  | { readonly allow: true; readonly upstreamHeaders: HeaderList | null }
  | {
      readonly allow: false;
      readonly status: number;
      readonly reason: string | null;
      readonly headers: HeaderList | null;
    };

/**
 * A route's compiled auth. `authorize` answers synchronously when it can (a cached basic-auth success, a missing
 * credential) and with a promise when it must wait (a subrequest, a hash verification). It never rejects: every
 * failure is a denying verdict (fail closed).
 */
export type RouteAuth = {
  authorize(ctx: RequestContext): AuthVerdict | Promise<AuthVerdict>;
  /** Request fields the client may not pass upstream itself (the ones auth sets). */
  readonly strippedRequestFields: readonly string[];
};

export const allowed: AuthVerdict = { allow: true, upstreamHeaders: null };

export function denied(status: number, reason: string | null, headers: HeaderList | null = null): AuthVerdict {
  return { allow: false, status, reason, headers };
}
