// Store outcomes as API answers.
import type { ValidationIssue } from '@alb/crd-types';
import { ApiError, errorCodes } from '../errors.ts';
import { StoreConflict, StoreNotEditable, StoreNotFound, StoreRefused } from '../store/store.ts';

/** An object as the API shows it: without the API server's bookkeeping of field managers. */
export function clean<T>(object: T): T {
  const metadata = (object as { metadata?: Record<string, unknown> }).metadata;
  if (metadata === undefined || !('managedFields' in metadata)) return object;
  const { managedFields: _managed, ...rest } = metadata;
  return { ...object, metadata: rest };
}

/** Turns a store error into the API's answer; anything else goes on as is (the error handler says 500/503). */
export function fromStore(error: unknown): unknown {
  if (error instanceof StoreConflict)
    return new ApiError(409, errorCodes.conflict, error.message, {
      current: error.current === null ? null : clean(error.current),
    });
  if (error instanceof StoreNotFound) return new ApiError(404, errorCodes.notFound, error.message);
  if (error instanceof StoreNotEditable) return new ApiError(409, errorCodes.notEditable, error.message);
  if (error instanceof StoreRefused) return new ApiError(409, errorCodes.refused, error.message);
  return error;
}

/** A built object that @alb/crd-types refuses: 400 naming each field as the request has it (`body.spec.port`). */
export function invalidObject(issues: readonly ValidationIssue[]): ApiError {
  const errors = issues.filter((i) => i.severity === 'error');
  const fields = errors.map((i) => ({ path: `body.${i.path}`, message: i.message, code: i.code }));
  const first = fields[0]!;
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : '';
  return new ApiError(400, errorCodes.invalid, `${first.path}: ${first.message}${more}`, { issues: fields });
}
