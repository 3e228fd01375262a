import { AlbError } from '@alb/leader';

export { AlbError };

/**
 * Codes of the operator: diagnostics written to an ALB2's `Degraded` condition and Warning Events (data), and the
 * errors it throws. Each one is documented in the README (a test keeps the two in sync).
 */
export const operatorCodes = {
  /** The ALB2 fails its schema or a check (@alb/crd-types); the message names the field. */
  invalidSpec: 'ALB_OPERATOR_INVALID_SPEC',
  /** The ALB2's name cannot name its children (Service names are DNS labels of at most 63 characters). */
  invalidName: 'ALB_OPERATOR_INVALID_NAME',
  /** A child's name is taken by an object this operator does not manage for this ALB2. */
  nameTaken: 'ALB_OPERATOR_NAME_TAKEN',
  /** The API server refused a child (4xx other than a conflict): its message is in the condition. */
  applyRefused: 'ALB_OPERATOR_APPLY_REFUSED',
  /** The Deployment reports a failure (ReplicaFailure, or ProgressDeadlineExceeded). */
  rolloutFailed: 'ALB_OPERATOR_ROLLOUT_FAILED',
  /** An API request failed in a way worth retrying (5xx, timeout, conflict): the ALB2 is retried with backoff. */
  api: 'ALB_OPERATOR_API',
  /** A bad command line (exit code 2). */
  usage: 'ALB_OPERATOR_USAGE',
} as const;

export type OperatorCode = (typeof operatorCodes)[keyof typeof operatorCodes];

/** An API request answered with an unexpected status; `status` 0 when no answer came (network, timeout). */
export class KubeApiError extends AlbError {
  readonly status: number;
  /** The server's `reason` (`Invalid`, `Forbidden`, `Conflict`, ...) when it sent a Status object. */
  readonly reason: string;

  constructor(status: number, method: string, path: string, text: string, options?: ErrorOptions) {
    let message = text.slice(0, 500);
    let reason = '';
    try {
      const parsed = JSON.parse(text) as { message?: string; reason?: string };
      message = parsed.message ?? message;
      reason = parsed.reason ?? '';
    } catch {
      // not a Status object
    }
    super(operatorCodes.api, `${method} ${path}: ${status === 0 ? 'no answer' : status} ${message}`, options);
    this.status = status;
    this.reason = reason;
  }

  /** A refusal that will not change by retrying the same request (bad object, forbidden): report, do not spin. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 409 && this.status !== 429;
  }
}

/** A bad command line; the message names the option. */
export class UsageError extends AlbError {
  constructor(message: string) {
    super(operatorCodes.usage, message);
  }
}
