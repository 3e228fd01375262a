import type { HeaderList } from '../actions/header-rewrite.ts';
import type { Route } from './route.ts';

/** A request the proxy answers itself: its status, `X-ALB-ERR-REASON` (errors) and header fields. */
export type LocalAnswer = {
  readonly kind: 'local';
  readonly status: number;
  readonly reason: string | null;
  readonly headers: HeaderList | null;
  /** The route that decided (its rule counts the answer), or null when no rule matched. */
  readonly route: Route | null;
};

export function localAnswer(
  status: number,
  reason: string | null,
  headers: HeaderList | null,
  route: Route | null,
): LocalAnswer {
  return { kind: 'local', status, reason, headers, route };
}
