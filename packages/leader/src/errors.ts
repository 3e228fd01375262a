const albErrorBrand: unique symbol = Symbol.for('alb.error');

/**
 * Base of every error ALB packages throw. `code` is stable (`ALB_<PKG>_<WHAT>`) and documented in the package
 * README: match on it, not on the message. The brand keeps `instanceof` working across two copies of a package
 * (this is the same brand `@alb/dslx` uses, so either package's `AlbError` recognises the other's errors).
 */
export class AlbError extends Error {
  readonly code: string;
  readonly [albErrorBrand] = true;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AlbError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[albErrorBrand] === true;
  }
}

/** Codes of the errors this package throws. Each one is documented in the README. */
export const errorCodes = {
  config: 'ALB_LEADER_CONFIG',
  conflict: 'ALB_LEADER_CONFLICT',
  state: 'ALB_LEADER_STATE',
  leaseApi: 'ALB_LEADER_LEASE_API',
} as const;

/** Invalid elector options; `field` names the option at fault. Thrown by `createElector` and `resolveTimings`. */
export class LeaderConfigError extends AlbError {
  readonly field: string;

  constructor(field: string, message: string) {
    super(errorCodes.config, message);
    this.field = field;
  }
}

/**
 * Thrown by a `LeaseStore` when someone else wrote first: the lease already exists on `create`, or its version is
 * no longer the one given to `update` (HTTP 409 in Kubernetes). The elector treats it as "lost the race, retry".
 */
export class LeaseConflictError extends AlbError {
  constructor(message = 'the lease was changed by someone else', options?: ErrorOptions) {
    super(errorCodes.conflict, message, options);
  }
}

/** The elector was used out of order (`run()` after `stop()`). */
export class LeaderStateError extends AlbError {
  constructor(message: string) {
    super(errorCodes.state, message);
  }
}

/**
 * `KubeLeaseStore`: the API server answered a Lease request with an unexpected status (403, 5xx, ...). `status`
 * and the server's message are kept; the elector logs it and retries.
 */
export class LeaseApiError extends AlbError {
  readonly status: number;

  constructor(status: number, method: string, path: string, body: string) {
    let message = body.slice(0, 300);
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the text
    }
    super(errorCodes.leaseApi, `${method} ${path}: ${status} ${message}`);
    this.status = status;
  }
}
