import type { ValidationIssue } from './types.ts';

const albErrorBrand: unique symbol = Symbol.for('alb.error');

/**
 * Base of every error ALB packages throw. `code` is stable (`ALB_<PKG>_<WHAT>`) and documented in the package
 * README: match on it, not on the message. The brand keeps `instanceof` working across two copies of a package.
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

/** Thrown by `compile` when the DSLX is invalid; `issues` is what `validate` returns for it. */
export class DslxError extends AlbError {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('ALB_DSLX_INVALID', `invalid dslx: ${first ? `${first.path}: ${first.message}` : 'unknown problem'}${more}`);
    this.issues = issues;
  }
}

/** Codes carried by validation issues (`issue.code`). Each one is documented in the README. */
export const issueCodes = {
  shape: 'ALB_DSLX_SHAPE',
  unknownType: 'ALB_DSLX_UNKNOWN_TYPE',
  unknownOperator: 'ALB_DSLX_UNKNOWN_OPERATOR',
  operatorType: 'ALB_DSLX_OPERATOR_TYPE',
  arity: 'ALB_DSLX_ARITY',
  keyMissing: 'ALB_DSLX_KEY_MISSING',
  keyUnexpected: 'ALB_DSLX_KEY_UNEXPECTED',
  badIp: 'ALB_DSLX_BAD_IP',
  badRange: 'ALB_DSLX_BAD_RANGE',
  badCidr: 'ALB_DSLX_BAD_CIDR',
  badPath: 'ALB_DSLX_BAD_PATH',
  badRegex: 'ALB_DSLX_BAD_REGEX',
  unsafeRegex: 'ALB_DSLX_UNSAFE_REGEX',
} as const;

/** Codes of errors thrown (as opposed to issues returned). */
export const errorCodes = {
  invalid: 'ALB_DSLX_INVALID',
  cliUsage: 'ALB_DSLX_CLI_USAGE',
  cliInput: 'ALB_DSLX_CLI_INPUT',
} as const;
