const albErrorBrand: unique symbol = Symbol.for('alb.error');

/** Stable codes of every error the bench throws; each one is documented in the README (a test keeps them in sync). */
export const errorCodes = {
  usage: 'ALB_BENCH_USAGE',
  missingTools: 'ALB_BENCH_MISSING_TOOLS',
  installFailed: 'ALB_BENCH_INSTALL_FAILED',
  startFailed: 'ALB_BENCH_START_FAILED',
  wrkFailed: 'ALB_BENCH_WRK_FAILED',
  wrkOutput: 'ALB_BENCH_WRK_OUTPUT',
  badResponses: 'ALB_BENCH_BAD_RESPONSES',
  routing: 'ALB_BENCH_ROUTING',
  loadTool: 'ALB_BENCH_LOAD_TOOL',
  profileFailed: 'ALB_BENCH_PROFILE_FAILED',
} as const;

export type BenchErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

/**
 * Thrown by the bench; match on `code`, not on the message. Carries the `alb.error` brand so `AlbError` from
 * `@alb/dslx` recognises it.
 */
export class BenchError extends Error {
  readonly code: BenchErrorCode;
  readonly [albErrorBrand] = true;

  constructor(code: BenchErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BenchError';
    this.code = code;
  }
}
