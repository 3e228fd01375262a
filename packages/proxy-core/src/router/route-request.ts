import { corsHeaders } from '../actions/cors.ts';
import type { RequestContext } from '../actions/request-context.ts';
import { fieldValueBytes } from '../http/head-bytes.ts';
import type { UnsafeValueCounter } from '../proxy/forward-heads.ts';
import type { HttpPortState } from '../proxy/port-state.ts';
import { localAnswer, type LocalAnswer } from './local-answer.ts';
import type { Route } from './route.ts';

/** ALB's answer when nothing matches and the port has no default backend. */
const noRuleMatch = localAnswer(404, 'InvalidUpstream : no rule match', null, null);

/**
 * What to do with a request, whatever protocol carried it (HTTP/1.1 here; HTTP/2 streams use it too): the winning
 * rule's route when the request goes upstream, or the answer the proxy gives itself (no rule: 404; a redirect; a
 * CORS preflight; a rule without endpoints: 500). The common case (a route) allocates nothing.
 */
export function routeRequest(
  state: HttpPortState,
  ctx: RequestContext,
  stats: UnsafeValueCounter,
): Route | LocalAnswer {
  const matched = state.rules.lookupView(ctx.view);
  const route = matched !== null ? matched.route : state.defaultRoute;
  if (route === null) return noRuleMatch;
  if (route.redirect !== null) {
    const location = route.redirect.location(ctx);
    if (fieldValueBytes(location) === null) {
      // Only request-derived parts can make it so (configured ones are checked at load): refuse the request.
      stats.unsafeHeaderValues++;
      return localAnswer(400, 'BadRequest : the redirect location would carry control characters', null, route);
    }
    return localAnswer(route.redirect.code, null, ['Location', location], route);
  }
  if (route.cors !== null && ctx.head.method === 'OPTIONS') {
    return localAnswer(204, null, corsHeaders(route.cors, joinedHeader(ctx.head.headers.origin), true), route);
  }
  if (route.balancer === null || route.balancer.endpoints.length === 0) return route.noBackends;
  return route;
}

function joinedHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value.join(',');
}
