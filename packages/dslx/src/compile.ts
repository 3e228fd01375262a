import { DslxError } from './errors.ts';
import { parseCidr, parseIp, type CidrBlock, type ParsedIp } from './ip.ts';
import { RequestView } from './request-view.ts';
import { compileSafeRegex } from './safe-regex.ts';
import { parseDslx, type ParsedRow, type ParsedTerm } from './syntax.ts';
import type { CompiledDslx, MatchRequest } from './types.ts';

/** A compiled term or rule: reads what it needs from the request view. */
export type ViewMatcher = (view: RequestView) => boolean;
type ValueGetter = (view: RequestView) => string | undefined;
type RowPredicate = (value: string, view: RequestView) => boolean;

const always = (): boolean => true;

/**
 * Compiles DSLX into a matcher. All the work (regexes, IP ranges, sets) happens here, once; matching only reads
 * the request. Throws a DslxError listing every problem when the DSLX is invalid.
 */
export function compile(dslx: unknown): CompiledDslx {
  const matcher = compileViewMatcher(dslx);
  return { match: (req: MatchRequest) => matcher(new RequestView(req)) };
}

export function compileViewMatcher(dslx: unknown): ViewMatcher {
  return andAll(compileTerms(dslx));
}

/** One matcher per term, in order (for explanations: which term failed). Throws DslxError when invalid. */
export function compileTerms(dslx: unknown): ViewMatcher[] {
  const { terms, issues } = parseDslx(dslx);
  if (issues.length > 0) throw new DslxError(issues);
  return compileParsedTerms(terms);
}

/** Compiles terms that `parseDslx` accepted. */
export function compileParsedTerms(terms: ParsedTerm[]): ViewMatcher[] {
  return terms.map(compileTerm);
}

export function andAll(terms: ViewMatcher[]): ViewMatcher {
  if (terms.length === 0) return always;
  if (terms.length === 1) return terms[0]!;
  if (terms.length === 2) {
    const [a, b] = terms as [ViewMatcher, ViewMatcher];
    return (view) => a(view) && b(view);
  }
  return (view) => {
    for (let i = 0; i < terms.length; i++) if (!terms[i]!(view)) return false;
    return true;
  };
}

function compileTerm(term: ParsedTerm): ViewMatcher {
  // ALB skips a term without rows, so it constrains nothing.
  if (term.rows.length === 0) return always;
  const get = valueGetter(term);
  const rows = term.rows.map((row) => compileRow(term, row));
  // Every operator, EXIST included, is false when the value is absent.
  if (rows.length === 1) {
    const row = rows[0]!;
    return (view) => {
      const value = get(view);
      return value !== undefined && row(value, view);
    };
  }
  return (view) => {
    const value = get(view);
    if (value === undefined) return false;
    for (let i = 0; i < rows.length; i++) if (rows[i]!(value, view)) return true;
    return false;
  };
}

function valueGetter(term: ParsedTerm): ValueGetter {
  const key = term.key ?? '';
  switch (term.type) {
    case 'HOST':
      return (view) => view.host();
    case 'URL':
      return (view) => view.path();
    case 'METHOD':
      return (view) => view.method();
    case 'SRC_IP':
      return (view) => view.srcIp();
    case 'HEADER':
      return (view) => view.header(key);
    case 'PARAM':
      return (view) => view.param(key);
    case 'COOKIE':
      return (view) => view.cookie(key);
  }
}

function compileRow(term: ParsedTerm, row: ParsedRow): RowPredicate {
  // Host compare is case-insensitive: the request host is lower-cased, so the arguments are too.
  const args = term.type === 'HOST' ? row.args.map((a) => a.toLowerCase()) : row.args;
  const arg = args[0]!;
  switch (row.op) {
    case 'EQ':
      return (value) => value === arg;
    case 'IN':
      return inPredicate(args);
    case 'STARTS_WITH':
      return (value) => value.startsWith(arg);
    case 'ENDS_WITH':
      return term.type === 'HOST' && isWildcardHost(arg) ? oneLabelWildcard(arg) : (value) => value.endsWith(arg);
    case 'REGEX': {
      const re = compileSafeRegex(arg);
      return (value) => re.test(value);
    }
    case 'RANGE':
      return rangePredicate(term.type === 'SRC_IP', args[0]!, args[1]!);
    case 'EXIST':
      return always;
    case 'PATH_PREFIX':
      return pathPrefixPredicate(arg);
    case 'CIDR':
      return cidrPredicate(args.map((a) => parseCidr(a)!));
  }
}

function inPredicate(args: string[]): RowPredicate {
  if (args.length <= 4) return (value) => args.includes(value);
  const set = new Set(args);
  return (value) => set.has(value);
}

/** `*.d` and `.d` as host arguments: exactly one non-empty label before `.d`. */
export function isWildcardHost(arg: string): boolean {
  return (arg.startsWith('*.') && arg.length > 2) || (arg.startsWith('.') && arg.length > 1);
}

/** The `.d` part of a wildcard host argument. */
export function wildcardSuffix(arg: string): string {
  return arg.slice(arg.indexOf('.'));
}

function oneLabelWildcard(arg: string): RowPredicate {
  const suffix = wildcardSuffix(arg);
  // The first dot of the host must be where the suffix starts, with at least one character before it.
  return (value) =>
    value.length > suffix.length && value.endsWith(suffix) && value.indexOf('.') === value.length - suffix.length;
}

/** Segment-aware prefix: `/foo` matches `/foo`, `/foo/` and `/foo/x`, never `/foobar`. */
export function pathPrefixBase(arg: string): string {
  let end = arg.length;
  while (end > 0 && arg.charCodeAt(end - 1) === 47) end--;
  return arg.slice(0, end);
}

function pathPrefixPredicate(arg: string): RowPredicate {
  const base = pathPrefixBase(arg);
  if (base === '') return always; // "/" covers every path
  return (value) => value.startsWith(base) && (value.length === base.length || value.charCodeAt(base.length) === 47);
}

function rangePredicate(isSrcIp: boolean, low: string, high: string): RowPredicate {
  const lowIp = parseIp(low);
  const highIp = parseIp(high);
  if (lowIp === null || highIp === null) {
    return (value) => value >= low && value <= high; // ALB: non-IP bounds compare as strings
  }
  const ipOf = isSrcIp ? (_: string, view: RequestView) => view.srcIpParsed() : (value: string) => parseIp(value);
  return (value, view) => {
    const ip = ipOf(value, view);
    return ip !== null && ip.family === lowIp.family && ip.value >= lowIp.value && ip.value <= highIp.value;
  };
}

function cidrPredicate(blocks: CidrBlock[]): RowPredicate {
  return (_value, view) => {
    const ip: ParsedIp | null = view.srcIpParsed();
    if (ip === null) return false;
    for (const block of blocks) {
      if (block.family === 4 && ip.family === 4) {
        if ((ip.value & block.mask) >>> 0 === block.network) return true;
      } else if (block.family === 6 && ip.family === 6) {
        if ((ip.value & block.mask) === block.network) return true;
      }
    }
    return false;
  };
}
