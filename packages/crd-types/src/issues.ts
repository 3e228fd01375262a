// ajv errors -> issues a user can act on: a field path, a stable code and a message naming the fix.
import type { IssueCode } from './errors.ts';
import { issueCodes, warningCodes } from './errors.ts';
import type { Segment } from './field-path.ts';
import { describe, formatPath, pointerSegments } from './field-path.ts';
import { schemaDefs } from './schema/document.ts';
import type { JsonSchema } from './schema/json-schema.ts';
import { suggest } from './suggest.ts';

export type Severity = 'error' | 'warning';

/**
 * One problem in an object. `path` names the field (`spec.serviceGroup.services[0].weight`); errors make the
 * object invalid, warnings do not. `cause` is the @alb/dslx code behind an `ALB_CRD_DSLX` issue.
 */
export type ValidationIssue = { path: string; message: string; code: string; severity: Severity; cause?: string };

/** The fields of an ajv error this module reads (ajv runs with `verbose: true`). */
export type AjvError = {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  parentSchema?: JsonSchema;
  data?: unknown;
};

export function issue(segments: readonly Segment[], code: IssueCode, message: string, cause?: string): ValidationIssue {
  const severity: Severity = warningCodes.has(code) ? 'warning' : 'error';
  const out: ValidationIssue = { path: formatPath(segments), message, code, severity };
  if (cause !== undefined) out.cause = cause;
  return out;
}

const typeNames: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** `must be an integer, got "80"; remove the quotes`. */
function typeMessage(expected: string, data: unknown): string {
  let hint = '';
  if ((expected === 'integer' || expected === 'number') && typeof data === 'string' && /^-?\d+$/.test(data.trim()))
    hint = '; remove the quotes';
  else if (expected === 'boolean' && (data === 'true' || data === 'false')) hint = '; remove the quotes';
  else if (expected === 'string' && (typeof data === 'number' || typeof data === 'boolean'))
    hint = `; quote it: "${String(data)}"`;
  else if (expected === 'integer' && typeof data === 'number') hint = '; no fractions';
  return `must be ${typeNames[expected] ?? expected}, got ${describe(data)}${hint}`;
}

const show = (value: unknown) => (value === '' ? '""' : String(value));

/** `must be one of http, https, tcp, udp, grpc, got "htp"; did you mean http?` */
export function enumMessage(allowed: readonly unknown[], data: unknown): string {
  const strings = allowed.filter((v): v is string => typeof v === 'string' && v !== '');
  const guess = typeof data === 'string' && data !== '' ? suggest(data, strings) : null;
  return `must be one of ${allowed.map(show).join(', ')}, got ${describe(data)}${guess === null ? '' : `; did you mean ${guess}?`}`;
}

function rangeMessage(schema: JsonSchema | undefined, data: unknown): string {
  const min = schema?.minimum;
  const max = schema?.maximum;
  if (min !== undefined && max !== undefined) return `must be between ${min} and ${max}, got ${describe(data)}`;
  if (min !== undefined) return `must be at least ${min}, got ${describe(data)}`;
  return `must be at most ${max}, got ${describe(data)}`;
}

/** The schema of property `name` of `parent`, with a ref resolved. */
function propertySchema(parent: JsonSchema | undefined, name: string): JsonSchema | undefined {
  const child = parent?.properties?.[name];
  // `#/$defs/X` here; `X#` where the types are registered one by one (an HTTP API's shared schemas).
  if (child?.$ref !== undefined) return schemaDefs[child.$ref.replace('#/$defs/', '').replace(/#$/, '')];
  return child;
}

function requiredMessage(parent: JsonSchema | undefined, name: string): string {
  const schema = propertySchema(parent, name);
  if (schema?.enum !== undefined) return `is required: one of ${schema.enum.map(show).join(', ')}`;
  if (schema?.minimum !== undefined && schema.maximum !== undefined)
    return `is required: ${typeNames[schema.type ?? ''] ?? 'a value'} from ${schema.minimum} to ${schema.maximum}`;
  return 'is required';
}

/** Translates one ajv error; `root` is the validated value (to tell array indexes from map keys). */
export function issueFromAjv(error: AjvError, root: unknown): ValidationIssue & { segments: Segment[] } {
  const at = pointerSegments(error.instancePath, root);
  const schema = error.parentSchema;
  const build = (segments: Segment[], code: IssueCode, message: string) => ({
    ...issue(segments, code, message),
    segments,
  });
  switch (error.keyword) {
    case 'type':
      return build(at, issueCodes.type, typeMessage(String(error.params.type), error.data));
    case 'required': {
      const name = String(error.params.missingProperty);
      return build([...at, name], issueCodes.required, requiredMessage(schema, name));
    }
    case 'additionalProperties': {
      const name = String(error.params.additionalProperty);
      const guess = suggest(name, Object.keys(schema?.properties ?? {}));
      const hint = guess === null ? '' : `; did you mean ${guess}?`;
      return build([...at, name], issueCodes.unknownField, `unknown field, ignored${hint}`);
    }
    case 'enum':
      return build(at, issueCodes.enum, enumMessage(schema?.enum ?? [], error.data));
    case 'minimum':
    case 'maximum':
      return build(at, issueCodes.range, rangeMessage(schema, error.data));
    case 'pattern':
      return build(
        at,
        issueCodes.format,
        `must look like ${schema?.['x-alb-format'] ?? 'the documented format'}, got ${describe(error.data)}`,
      );
    case 'minLength':
      return build(at, issueCodes.format, 'must not be empty');
    case 'maxLength':
      return build(at, issueCodes.format, `must be at most ${String(error.params.limit)} characters long`);
    default:
      // Keywords the schemas do not use; a test keeps the schemas to the handled ones.
      return build(at, issueCodes.format, `is invalid (${error.keyword})`);
  }
}

/** The ajv keywords `issueFromAjv` turns into specific messages. */
export const handledKeywords = [
  'type',
  'required',
  'additionalProperties',
  'enum',
  'minimum',
  'maximum',
  'pattern',
  'minLength',
  'maxLength',
] as const;
