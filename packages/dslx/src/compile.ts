import { DslxError } from './errors.ts';
import { parseCidr, parseIp, type CidrBlock, type ParsedIp } from './ip.ts';
import { RequestView } from './request-view.ts';
import { LazySafeRegex, type SafeRegex } from './safe-regex.ts';
import { parseDslx, type ParsedRow, type ParsedTerm } from './syntax.ts';
import type { CompiledDslx, MatchRequest } from './types.ts';

/** What a term reads from the request. `none` is a term without rows: it reads nothing and always holds. */
export const sources = { none: 0, host: 1, url: 2, method: 3, srcIp: 4, header: 5, param: 6, cookie: 7 } as const;

/** How a row tests the value; `anyRow` is a term of several rows (its `arg` is the list of `Row`s). */
export const ops = {
  eq: 0,
  inList: 1,
  inSet: 2,
  startsWith: 3,
  endsWith: 4,
  wildcardHost: 5,
  regex: 6,
  rangeText: 7,
  rangeIp: 8,
  rangeSrcIp: 9,
  always: 10,
  pathPrefix: 11,
  pathRoot: 12,
  cidr: 13,
  anyRow: 14,
} as const;

/** One row: an operator code and its prepared argument (a string, a Set, a SafeRegex, IP bounds, CIDR blocks). */
export class Row {
  readonly op: number;
  readonly arg: unknown;

  constructor(op: number, arg: unknown) {
    this.op = op;
    this.arg = arg;
  }
}

/**
 * A compiled term as plain data: which value it reads and how it tests it. No closures: a rule table of 100k rules
 * holds 100k small objects of one shape (and identical terms share one), and matching runs one monomorphic switch.
 * A term of one row keeps that row's `op` and `arg` inline.
 */
export class TermMatcher {
  readonly source: number;
  /** The header, query parameter or cookie name; '' for the other sources. */
  readonly key: string;
  readonly op: number;
  readonly arg: unknown;

  constructor(source: number, key: string, op: number, arg: unknown) {
    this.source = source;
    this.key = key;
    this.op = op;
    this.arg = arg;
  }

  /** Every operator, EXIST included, is false when the value is absent. */
  test(view: RequestView): boolean {
    const value = readValue(view, this.source, this.key);
    if (value === undefined) return false;
    if (this.op !== ops.anyRow) return testRow(this.op, this.arg, value, view);
    const rows = this.arg as readonly Row[];
    for (let i = 0; i < rows.length; i++) if (testRow(rows[i]!.op, rows[i]!.arg, value, view)) return true;
    return false;
  }
}

/** True when terms[from..to) all hold. */
export function allHold(terms: readonly TermMatcher[], from: number, to: number, view: RequestView): boolean {
  for (let i = from; i < to; i++) if (!terms[i]!.test(view)) return false;
  return true;
}

/**
 * Compiles DSLX into a matcher. The work (IP ranges, sets) happens here, once; a regex is compiled on its first
 * use (validation already proved it compiles); matching only reads the request. Throws a DslxError listing every problem when the DSLX is invalid.
 */
export function compile(dslx: unknown): CompiledDslx {
  const { terms, issues } = parseDslx(dslx);
  if (issues.length > 0) throw new DslxError(issues);
  const matchers = terms.map((term) => compileTerm(term));
  return { match: (req: MatchRequest) => allHold(matchers, 0, matchers.length, new RequestView(req)) };
}

/**
 * Identical one-row, one-argument terms (nearly all terms) compiled once: rules that share a host (every path of
 * an Ingress host) share its term object. Keyed by the argument, whose hash the string already caches, so
 * interning costs no key text. Lives for one table build.
 */
export class TermInterner {
  private readonly byArg = new Map<string, Interned>();

  get(term: ParsedTerm): TermMatcher {
    if (term.rows.length !== 1 || term.rows[0]!.args.length !== 1) return compileTerm(term);
    const { op, args } = term.rows[0]!;
    const arg = args[0]!;
    const first = this.byArg.get(arg);
    for (let entry = first; entry !== undefined; entry = entry.next) {
      if (entry.type === term.type && entry.key === term.key && entry.op === op) return entry.matcher;
    }
    const matcher = compileTerm(term);
    this.byArg.set(arg, { type: term.type, key: term.key, op, matcher, next: first });
    return matcher;
  }
}

type Interned = {
  type: ParsedTerm['type'];
  key: string | undefined;
  op: string;
  matcher: TermMatcher;
  next: Interned | undefined;
};

const sourceOf = {
  HOST: sources.host,
  URL: sources.url,
  METHOD: sources.method,
  SRC_IP: sources.srcIp,
  HEADER: sources.header,
  PARAM: sources.param,
  COOKIE: sources.cookie,
} as const;

/** Compiles one term that `parseDslx` accepted. */
export function compileTerm(term: ParsedTerm): TermMatcher {
  // ALB skips a term without rows, so it constrains nothing (and does not even need the value).
  if (term.rows.length === 0) return new TermMatcher(sources.none, '', ops.always, null);
  const source = sourceOf[term.type];
  const key = term.key ?? '';
  if (term.rows.length === 1) {
    const row = compileRow(term, term.rows[0]!);
    return new TermMatcher(source, key, row.op, row.arg);
  }
  return new TermMatcher(source, key, ops.anyRow, Object.freeze(term.rows.map((row) => compileRow(term, row))));
}

function readValue(view: RequestView, source: number, key: string): string | undefined {
  switch (source) {
    case sources.host:
      return view.host();
    case sources.url:
      return view.path();
    case sources.method:
      return view.method();
    case sources.srcIp:
      return view.srcIp();
    case sources.header:
      return view.header(key);
    case sources.param:
      return view.param(key);
    case sources.cookie:
      return view.cookie(key);
    default:
      return '';
  }
}

function testRow(op: number, arg: unknown, value: string, view: RequestView): boolean {
  switch (op) {
    case ops.eq:
      return value === arg;
    case ops.startsWith:
      return value.startsWith(arg as string);
    case ops.pathPrefix: {
      const base = arg as string;
      return value.startsWith(base) && (value.length === base.length || value.charCodeAt(base.length) === 47);
    }
    case ops.inList:
      return (arg as readonly string[]).includes(value);
    case ops.inSet:
      return (arg as ReadonlySet<string>).has(value);
    case ops.endsWith:
      return value.endsWith(arg as string);
    case ops.wildcardHost: {
      // The first dot of the host must be where the suffix starts, with at least one character before it.
      const suffix = arg as string;
      return (
        value.length > suffix.length && value.endsWith(suffix) && value.indexOf('.') === value.length - suffix.length
      );
    }
    case ops.regex:
      return (arg as SafeRegex).test(value);
    case ops.rangeText: {
      const [low, high] = arg as readonly [string, string];
      return value >= low && value <= high; // ALB: non-IP bounds compare as strings
    }
    case ops.rangeIp:
      return inIpRange(parseIp(value), arg as readonly [ParsedIp, ParsedIp]);
    case ops.rangeSrcIp:
      return inIpRange(view.srcIpParsed(), arg as readonly [ParsedIp, ParsedIp]);
    case ops.cidr:
      return inCidr(view.srcIpParsed(), arg as readonly CidrBlock[]);
    default: // always, pathRoot
      return true;
  }
}

function compileRow(term: ParsedTerm, row: ParsedRow): Row {
  // Host compare is case-insensitive: the request host is lower-cased, so the arguments are too.
  const args = term.type === 'HOST' ? row.args.map(lowerCase) : row.args;
  const arg = args[0]!;
  switch (row.op) {
    case 'EQ':
      return new Row(ops.eq, arg);
    case 'IN':
      return args.length <= 4 ? new Row(ops.inList, Object.freeze(args.slice())) : new Row(ops.inSet, new Set(args));
    case 'STARTS_WITH':
      return new Row(ops.startsWith, arg);
    case 'ENDS_WITH':
      return term.type === 'HOST' && isWildcardHost(arg)
        ? new Row(ops.wildcardHost, wildcardSuffix(arg))
        : new Row(ops.endsWith, arg);
    case 'REGEX':
      return new Row(ops.regex, new LazySafeRegex(arg));
    case 'RANGE': {
      const lowIp = parseIp(args[0]!);
      const highIp = parseIp(args[1]!);
      if (lowIp === null || highIp === null) return new Row(ops.rangeText, Object.freeze([args[0]!, args[1]!]));
      return new Row(term.type === 'SRC_IP' ? ops.rangeSrcIp : ops.rangeIp, Object.freeze([lowIp, highIp]));
    }
    case 'EXIST':
      return new Row(ops.always, null);
    case 'PATH_PREFIX': {
      const base = pathPrefixBase(arg);
      return base === '' ? new Row(ops.pathRoot, '') : new Row(ops.pathPrefix, base); // "/" covers every path
    }
    case 'CIDR':
      return new Row(ops.cidr, Object.freeze(args.map((a) => parseCidr(a)!)));
  }
}

/** Lower-case, returning the same string when it already is (no copy per host argument). */
function lowerCase(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return text.toLowerCase();
  }
  return text;
}

/** `*.d` and `.d` as host arguments: exactly one non-empty label before `.d`. */
export function isWildcardHost(arg: string): boolean {
  return (arg.startsWith('*.') && arg.length > 2) || (arg.startsWith('.') && arg.length > 1);
}

/** The `.d` part of a wildcard host argument. */
export function wildcardSuffix(arg: string): string {
  return arg.slice(arg.indexOf('.'));
}

/** Segment-aware prefix: `/foo` matches `/foo`, `/foo/` and `/foo/x`, never `/foobar`. */
export function pathPrefixBase(arg: string): string {
  let end = arg.length;
  while (end > 0 && arg.charCodeAt(end - 1) === 47) end--;
  return arg.slice(0, end);
}

function inIpRange(ip: ParsedIp | null, [low, high]: readonly [ParsedIp, ParsedIp]): boolean {
  return ip !== null && ip.family === low.family && ip.value >= low.value && ip.value <= high.value;
}

function inCidr(ip: ParsedIp | null, blocks: readonly CidrBlock[]): boolean {
  if (ip === null) return false;
  for (const block of blocks) {
    if (block.family === 4 && ip.family === 4) {
      if ((ip.value & block.mask) >>> 0 === block.network) return true;
    } else if (block.family === 6 && ip.family === 6) {
      if ((ip.value & block.mask) === block.network) return true;
    }
  }
  return false;
}
