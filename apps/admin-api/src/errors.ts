// Every error the API answers with carries a stable code (documented in the README, kept in sync by a test).
import { AlbError } from '@alb/crd-types';

export const errorCodes = {
  invalid: 'ALB_ADMIN_INVALID',
  unauthenticated: 'ALB_ADMIN_UNAUTHENTICATED',
  forbidden: 'ALB_ADMIN_FORBIDDEN',
  notFound: 'ALB_ADMIN_NOT_FOUND',
  conflict: 'ALB_ADMIN_CONFLICT',
  portTaken: 'ALB_ADMIN_PORT_TAKEN',
  portNotAllowed: 'ALB_ADMIN_PORT_NOT_ALLOWED',
  noFreePort: 'ALB_ADMIN_NO_FREE_PORT',
  segmentOverlap: 'ALB_ADMIN_SEGMENT_OVERLAP',
  segmentInUse: 'ALB_ADMIN_SEGMENT_IN_USE',
  projectInUse: 'ALB_ADMIN_PROJECT_IN_USE',
  badSegments: 'ALB_ADMIN_BAD_SEGMENTS',
  l4Frontend: 'ALB_ADMIN_L4_FRONTEND',
  notEditable: 'ALB_ADMIN_NOT_EDITABLE',
  refused: 'ALB_ADMIN_REFUSED',
  tooLarge: 'ALB_ADMIN_TOO_LARGE',
  rateLimited: 'ALB_ADMIN_RATE_LIMITED',
  unavailable: 'ALB_ADMIN_UNAVAILABLE',
  internal: 'ALB_ADMIN_INTERNAL',
  usage: 'ALB_ADMIN_USAGE',
} as const;

export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

/** One problem with a field of the request: `path` like `body.spec.port`. */
export type FieldIssue = { path: string; message: string; code: string };

export type ErrorDetails = {
  /** 400: the fields at fault. */
  issues?: FieldIssue[];
  /** 409: the state that stands in the way (the object as it is now, the segments, the Frontends). */
  current?: unknown;
  /** 403: the permission that was missing. */
  permission?: unknown;
};

/** An error answered as `{ statusCode, code, error, message, ...details }`. */
export class ApiError extends AlbError {
  readonly statusCode: number;
  readonly details: ErrorDetails;

  constructor(statusCode: number, code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(code, message);
    this.statusCode = statusCode;
    this.details = details;
  }
}

export const invalid = (path: string, message: string, code: string = errorCodes.invalid) =>
  new ApiError(400, errorCodes.invalid, `${path}: ${message}`, { issues: [{ path, message, code }] });

export const notFound = (what: string) => new ApiError(404, errorCodes.notFound, `${what} not found`);

export const conflict = (code: ErrorCode, message: string, current: unknown) =>
  new ApiError(409, code, message, { current });
