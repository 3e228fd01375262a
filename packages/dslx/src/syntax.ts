import { issueCodes } from './errors.ts';
import { parseCidr, parseIp } from './ip.ts';
import { checkRegex } from './safe-regex.ts';
import type { MatchType, Operator, ValidationIssue } from './types.ts';

export const matchTypes: readonly MatchType[] = ['HOST', 'URL', 'METHOD', 'PARAM', 'HEADER', 'COOKIE', 'SRC_IP'];
export const operators: readonly Operator[] = [
  'EQ',
  'IN',
  'STARTS_WITH',
  'ENDS_WITH',
  'REGEX',
  'RANGE',
  'EXIST',
  'PATH_PREFIX',
  'CIDR',
];
const keyedTypes: ReadonlySet<MatchType> = new Set(['HEADER', 'PARAM', 'COOKIE']);

/** How many arguments each operator takes, and which types it applies to (all when absent). */
const operatorSpecs: Record<Operator, { min: number; max: number; only?: MatchType }> = {
  EQ: { min: 1, max: 1 },
  IN: { min: 1, max: Infinity },
  STARTS_WITH: { min: 1, max: 1 },
  ENDS_WITH: { min: 1, max: 1 },
  REGEX: { min: 1, max: 1 },
  RANGE: { min: 2, max: 2 },
  EXIST: { min: 0, max: 0 },
  PATH_PREFIX: { min: 1, max: 1, only: 'URL' },
  CIDR: { min: 1, max: Infinity, only: 'SRC_IP' },
};

const keyNames: Record<string, string> = {
  HEADER: 'the header name',
  PARAM: 'the query parameter name',
  COOKIE: 'the cookie name',
};

/** A row after validation: the operator and its string arguments. */
export type ParsedRow = { op: Operator; args: string[] };
/** A term after validation; `key` is normalized (headers lower-case with `-`, cookies lower-case). */
export type ParsedTerm = { type: MatchType; key: string | undefined; rows: ParsedRow[] };

export type ParseResult = { terms: ParsedTerm[]; issues: ValidationIssue[] };

/**
 * Checks a DSLX value and returns every problem with its path, plus the normalized terms when there are none.
 * `root` names the value in paths (`spec.dslx` when validating a Rule).
 */
export function parseDslx(dslx: unknown, root = 'dslx'): ParseResult {
  const issues: ValidationIssue[] = [];
  const terms: ParsedTerm[] = [];
  const report = (path: string, code: string, message: string) => issues.push({ path, message, code });
  if (!Array.isArray(dslx)) {
    report(
      root,
      issueCodes.shape,
      `must be a list of terms like [{type: URL, values: [[STARTS_WITH, /]]}], got ${describe(dslx)}`,
    );
    return { terms, issues };
  }
  if (dslx.length === 0) {
    report(root, issueCodes.shape, 'must have at least one term; a rule without a matcher never matches');
    return { terms, issues };
  }
  dslx.forEach((term, i) => {
    const parsed = parseTerm(term, `${root}[${i}]`, report);
    if (parsed !== null) terms.push(parsed);
  });
  return { terms, issues };
}

type Report = (path: string, code: string, message: string) => void;

function parseTerm(term: unknown, path: string, report: Report): ParsedTerm | null {
  if (typeof term !== 'object' || term === null || Array.isArray(term)) {
    report(path, issueCodes.shape, `must be an object with type and values, got ${describe(term)}`);
    return null;
  }
  const record = term as Record<string, unknown>;
  let ok = true;
  for (const field of Object.keys(record)) {
    if (field !== 'type' && field !== 'key' && field !== 'values') {
      const hint = field === 'value' ? '; did you mean values?' : '';
      report(`${path}.${field}`, issueCodes.shape, `unknown field (a term has type, key and values)${hint}`);
      ok = false;
    }
  }
  const type = parseType(record.type, `${path}.type`, report);
  const key = parseKey(type, record.key, `${path}.key`, report);
  if (type === null || key === null) ok = false;
  const rows: ParsedRow[] = [];
  const values = record.values;
  if (!Array.isArray(values)) {
    report(`${path}.values`, issueCodes.shape, `must be a list of rows like [[EQ, value]], got ${describe(values)}`);
    return null;
  }
  values.forEach((row, r) => {
    const parsed = parseRow(type, row, `${path}.values[${r}]`, report);
    if (parsed === null) ok = false;
    else rows.push(parsed);
  });
  return ok && type !== null && key !== null ? { type, key: key === '' ? undefined : key, rows } : null;
}

function parseType(value: unknown, path: string, report: Report): MatchType | null {
  if (typeof value === 'string' && (matchTypes as readonly string[]).includes(value)) return value as MatchType;
  if (value === undefined) {
    report(path, issueCodes.unknownType, `is required: one of ${matchTypes.join(', ')}`);
    return null;
  }
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  const hint = (matchTypes as readonly string[]).includes(upper) ? `; did you mean ${upper}?` : '';
  report(
    path,
    issueCodes.unknownType,
    `unknown match type ${JSON.stringify(value)}: expected one of ${matchTypes.join(', ')}${hint}`,
  );
  return null;
}

/** Returns the normalized key, '' when the type takes none, or null after reporting a problem. */
function parseKey(type: MatchType | null, value: unknown, path: string, report: Report): string | null {
  const present = value !== undefined && value !== null && value !== '';
  if (type === null) return '';
  if (!keyedTypes.has(type)) {
    if (!present) return '';
    report(path, issueCodes.keyUnexpected, `${type} terms take no key (only HEADER, PARAM and COOKIE do); remove it`);
    return null;
  }
  if (!present) {
    report(path, issueCodes.keyMissing, `${type} terms need a key: ${keyNames[type]}`);
    return null;
  }
  if (typeof value !== 'string') {
    report(path, issueCodes.shape, `must be a string, got ${describe(value)}`);
    return null;
  }
  if (type === 'HEADER') return value.toLowerCase().replaceAll('_', '-');
  if (type === 'COOKIE') return value.toLowerCase();
  return value;
}

function parseRow(type: MatchType | null, row: unknown, path: string, report: Report): ParsedRow | null {
  if (!Array.isArray(row) || row.length === 0) {
    report(path, issueCodes.shape, `must be a row like [OPERATOR, argument...], got ${describe(row)}`);
    return null;
  }
  let ok = true;
  const args: string[] = [];
  row.forEach((arg, i) => {
    if (typeof arg !== 'string') {
      const quoted = typeof arg === 'number' || typeof arg === 'boolean' ? `; quote it: "${String(arg)}"` : '';
      report(`${path}[${i}]`, issueCodes.shape, `must be a string, got ${describe(arg)}${quoted}`);
      ok = false;
    } else if (i > 0) {
      args.push(arg);
    }
  });
  const opText = row[0];
  if (typeof opText !== 'string') return null;
  if (!(operators as readonly string[]).includes(opText)) {
    const upper = opText.toUpperCase();
    const hint = (operators as readonly string[]).includes(upper) ? `; did you mean ${upper}?` : '';
    report(
      `${path}[0]`,
      issueCodes.unknownOperator,
      `unknown operator ${JSON.stringify(opText)}: expected one of ${operators.join(', ')}${hint}`,
    );
    return null;
  }
  const op = opText as Operator;
  const spec = operatorSpecs[op];
  const given = row.length - 1;
  if (given < spec.min || given > spec.max) {
    report(path, issueCodes.arity, `${op} ${arityText(spec.min, spec.max)}, got ${given}`);
    return null;
  }
  if (type === null || !ok) return null;
  if (spec.only !== undefined && spec.only !== type) {
    report(`${path}[0]`, issueCodes.operatorType, `${op} only applies to ${spec.only} terms, not ${type}`);
    return null;
  }
  return checkArgs(type, op, args, path, report) ? { op, args } : null;
}

function checkArgs(type: MatchType, op: Operator, args: string[], path: string, report: Report): boolean {
  switch (op) {
    case 'REGEX': {
      const problem = checkRegex(args[0]!);
      if (problem === null) return true;
      report(`${path}[1]`, problem.unsafe ? issueCodes.unsafeRegex : issueCodes.badRegex, problem.message);
      return false;
    }
    case 'PATH_PREFIX':
      if (args[0]!.startsWith('/')) return true;
      report(
        `${path}[1]`,
        issueCodes.badPath,
        `PATH_PREFIX needs a path starting with "/", got ${JSON.stringify(args[0])}`,
      );
      return false;
    case 'CIDR': {
      let ok = true;
      args.forEach((arg, i) => {
        if (parseCidr(arg) === null) {
          report(
            `${path}[${i + 1}]`,
            issueCodes.badCidr,
            `${JSON.stringify(arg)} is not a CIDR block like 10.0.0.0/8 or 2001:db8::/32`,
          );
          ok = false;
        }
      });
      return ok;
    }
    case 'RANGE':
      return checkRange(type, args[0]!, args[1]!, path, report);
    default:
      return true;
  }
}

function checkRange(type: MatchType, low: string, high: string, path: string, report: Report): boolean {
  const lowIp = parseIp(low);
  const highIp = parseIp(high);
  if (type === 'SRC_IP') {
    let ok = true;
    if (lowIp === null) {
      report(`${path}[1]`, issueCodes.badIp, `${JSON.stringify(low)} is not an IPv4 or IPv6 address`);
      ok = false;
    }
    if (highIp === null) {
      report(`${path}[2]`, issueCodes.badIp, `${JSON.stringify(high)} is not an IPv4 or IPv6 address`);
      ok = false;
    }
    if (lowIp === null || highIp === null) return ok;
  }
  if (lowIp !== null && highIp !== null) {
    if (lowIp.family !== highIp.family) {
      report(path, issueCodes.badRange, `RANGE bounds ${low} and ${high} must be of the same IP family`);
      return false;
    }
    if (lowIp.value > highIp.value) {
      report(path, issueCodes.badRange, `RANGE start ${low} is after its end ${high}, so it can never match`);
      return false;
    }
    return true;
  }
  if (low > high) {
    report(
      path,
      issueCodes.badRange,
      `RANGE start ${JSON.stringify(low)} sorts after its end ${JSON.stringify(high)}, so it can never match`,
    );
    return false;
  }
  return true;
}

function arityText(min: number, max: number): string {
  if (max === 0) return 'takes no arguments';
  if (min === max) return `takes exactly ${min} argument${min === 1 ? '' : 's'}`;
  return `takes at least ${min} argument${min === 1 ? '' : 's'}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return value === undefined ? 'nothing' : `${typeof value} ${String(value)}`;
}
