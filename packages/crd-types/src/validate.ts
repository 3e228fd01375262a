// validateX / parseX: the schema (generated ajv validators), then the checks a schema cannot express.
import { checkAlb2, checkFrontend, checkRule } from './checks.ts';
import { issueCodes } from './errors.ts';
import type { Segment } from './field-path.ts';
import { describe } from './field-path.ts';
import type { Alb2, Frontend, Rule } from './generated/types.ts';
import type { ValidationIssue } from './issues.ts';
import { issue, issueFromAjv } from './issues.ts';
import { defaultDomain, labels } from './labels.ts';
import { deletePaths, withoutNulls } from './prune.ts';
import type { SchemaValidator } from './schema-validators.ts';
import { schemaValidators } from './schema-validators.ts';

export type ValidateOptions = {
  /** Label domain: `alb2.<domain>/name` etc. Default `cpaas.io`. */
  domain?: string;
};

/**
 * `ok`: no errors (warnings may remain in `issues`), and `value` is the object as the API server would store it:
 * null fields and unknown fields dropped (ALB2 `spec.config` keeps unknown keys).
 */
export type Parsed<T> =
  { ok: true; value: T; issues: ValidationIssue[] } | { ok: false; value: null; issues: ValidationIssue[] };

type Kind = {
  kind: string;
  apiVersions: readonly string[];
  validator: SchemaValidator;
  /** Paths whose schema errors are left to a more precise check (Rule dslx: @alb/dslx). */
  delegated?: readonly string[];
  checks: (object: Record<string, unknown>, domain: string) => ValidationIssue[];
};

const kinds = {
  alb2: {
    kind: 'ALB2',
    apiVersions: ['crd.alauda.io/v2beta1', 'crd.alauda.io/v2', 'crd.alauda.io/v1'],
    validator: schemaValidators.alb2,
    checks: (object) => checkAlb2(object),
  },
  frontend: {
    kind: 'Frontend',
    apiVersions: ['crd.alauda.io/v1'],
    validator: schemaValidators.frontend,
    checks: checkFrontend,
  },
  rule: {
    kind: 'Rule',
    apiVersions: ['crd.alauda.io/v1'],
    validator: schemaValidators.rule,
    delegated: ['/spec/dslx'],
    checks: checkRule,
  },
} satisfies Record<string, Kind>;

/** A wrong kind or apiVersion makes every other message noise: report only that. */
function kindIssue(object: Record<string, unknown>, spec: Kind): ValidationIssue | null {
  const { kind, apiVersion } = object;
  if (kind !== undefined && kind !== spec.kind)
    return issue(['kind'], issueCodes.kind, `must be ${spec.kind} here, got ${describe(kind)}`);
  if (apiVersion !== undefined && !spec.apiVersions.includes(apiVersion as string))
    return issue(
      ['apiVersion'],
      issueCodes.kind,
      `must be ${spec.apiVersions.join(' or ')} for a ${spec.kind}, got ${describe(apiVersion)}`,
    );
  return null;
}

function parse<T>(spec: Kind, input: unknown, options: ValidateOptions): Parsed<T> {
  const domain = options.domain ?? defaultDomain;
  labels(domain); // a bad domain is a programming error: throw now, not per object
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const expected = `a ${spec.kind} object (apiVersion, kind, metadata, spec)`;
    return {
      ok: false,
      value: null,
      issues: [issue([], issueCodes.type, `must be ${expected}, got ${describe(input)}`)],
    };
  }
  const wrongKind = kindIssue(input as Record<string, unknown>, spec);
  if (wrongKind !== null) return { ok: false, value: null, issues: [wrongKind] };

  const value = withoutNulls(input) as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  const unknownFields: Segment[][] = [];
  const seen = new Set<string>();
  spec.validator(value);
  for (const error of spec.validator.errors ?? []) {
    if (spec.delegated?.some((p) => error.instancePath === p || error.instancePath.startsWith(`${p}/`))) continue;
    const found = issueFromAjv(error, value);
    // One message per field: ajv may add an enum or range error after a type error on the same value.
    if (seen.has(found.path)) continue;
    seen.add(found.path);
    const { segments, ...rest } = found;
    if (rest.code === issueCodes.unknownField) unknownFields.push(segments);
    issues.push(rest);
  }
  issues.push(...spec.checks(value, domain));
  // Errors first (each group in schema order), so the first line is what stops the object.
  issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  if (issues.some((i) => i.severity === 'error')) return { ok: false, value: null, issues };
  deletePaths(value, unknownFields);
  return { ok: true, value: value as T, issues };
}

/** Checks an ALB2 (crd.alauda.io v2beta1, v2 or v1) and returns it typed, as the API server would store it. */
export function parseAlb2(input: unknown, options: ValidateOptions = {}): Parsed<Alb2> {
  return parse<Alb2>(kinds.alb2, input, options);
}

/** Checks a Frontend (crd.alauda.io/v1), including its required label. */
export function parseFrontend(input: unknown, options: ValidateOptions = {}): Parsed<Frontend> {
  return parse<Frontend>(kinds.frontend, input, options);
}

/** Checks a Rule (crd.alauda.io/v1), including its required labels and its dslx (via @alb/dslx). */
export function parseRule(input: unknown, options: ValidateOptions = {}): Parsed<Rule> {
  return parse<Rule>(kinds.rule, input, options);
}

/** Every problem in an ALB2, each with its field path; [] when clean. */
export function validateAlb2(input: unknown, options: ValidateOptions = {}): ValidationIssue[] {
  return parseAlb2(input, options).issues;
}

/** Every problem in a Frontend, each with its field path; [] when clean. */
export function validateFrontend(input: unknown, options: ValidateOptions = {}): ValidationIssue[] {
  return parseFrontend(input, options).issues;
}

/** Every problem in a Rule, each with its field path; [] when clean. */
export function validateRule(input: unknown, options: ValidateOptions = {}): ValidationIssue[] {
  return parseRule(input, options).issues;
}

/** True when any issue is an error (warnings alone leave an object valid). */
export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** `spec.port: must be between 1 and 65535, got 70000` (one line per issue). */
export function formatIssue(found: ValidationIssue): string {
  return `${found.path === '' ? '(object)' : found.path}: ${found.message}`;
}
