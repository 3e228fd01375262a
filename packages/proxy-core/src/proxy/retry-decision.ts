/** How an attempt to reach an upstream failed, before any byte of its response arrived. */
export type UpstreamFailure =
  /** The connection was never established (refused, unreachable, connect timeout): nothing was sent. */
  | 'connect'
  /** The connection closed or reset after the request (or part of it) was written. */
  | 'closed'
  /** The upstream stopped reading or answering for longer than the send or read timeout. */
  | 'timeout';

export type RetryInput = {
  method: string;
  failure: UpstreamFailure;
  /** The connection came from the keep-alive pool (a close before any answer may be the upstream's idle close). */
  reusedConnection: boolean;
  /** Request body bytes written upstream: once sent they cannot be sent again (bodies are streamed, not kept). */
  bodyBytesSent: number;
  /** Bytes of a response head already received. */
  responseBytesReceived: boolean;
  /** Attempts made so far, the failed one included. */
  attempts: number;
};

/** One retry at most: a second failure is answered (502/504), as a proxy must not multiply load on a failing upstream. */
export const maxAttempts = 2;

/**
 * Methods RFC 9110 (9.2.2) defines as idempotent: sending one twice has the effect of sending it once. Anything
 * else (POST, PATCH, LOCK, ...) is never replayed once its head may have reached the upstream, as nginx does not
 * replay POST, LOCK or PATCH.
 */
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Whether a failed upstream attempt is tried again on another connection (and endpoint, when the connect failed).
 * Retried: a connect that failed (nothing was sent), and a reused keep-alive connection that closed before any
 * response byte with no body bytes sent, for an idempotent method (the upstream most likely closed it while idle,
 * but it may have read and acted on the head). Never retried: timeouts, anything after a response began, a body
 * already (partly) sent, non-idempotent methods once their head was written, and a third attempt.
 */
export function shouldRetry(input: RetryInput): boolean {
  if (input.attempts >= maxAttempts || input.responseBytesReceived || input.bodyBytesSent > 0) return false;
  if (input.failure === 'connect') return true;
  return input.failure === 'closed' && input.reusedConnection && idempotentMethods.has(input.method);
}
