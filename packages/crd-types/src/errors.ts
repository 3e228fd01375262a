import { AlbError } from '@alb/dslx';

export { AlbError };

/** Codes carried by validation issues (`issue.code`). Each one is documented in the README. */
export const issueCodes = {
  kind: 'ALB_CRD_KIND',
  type: 'ALB_CRD_TYPE',
  required: 'ALB_CRD_REQUIRED',
  enum: 'ALB_CRD_ENUM',
  range: 'ALB_CRD_RANGE',
  format: 'ALB_CRD_FORMAT',
  label: 'ALB_CRD_LABEL',
  dslx: 'ALB_CRD_DSLX',
  unknownField: 'ALB_CRD_UNKNOWN_FIELD',
  clamped: 'ALB_CRD_CLAMPED',
  noBackend: 'ALB_CRD_NO_BACKEND',
} as const;

export type IssueCode = (typeof issueCodes)[keyof typeof issueCodes];

/** Issues with these codes are warnings: the object is still valid and served. */
export const warningCodes: ReadonlySet<IssueCode> = new Set([
  issueCodes.unknownField,
  issueCodes.clamped,
  issueCodes.noBackend,
]);

/** Codes of errors thrown (as opposed to issues returned): only for programming errors in helper arguments. */
export const errorCodes = {
  badArgument: 'ALB_CRD_BAD_ARGUMENT',
} as const;
