/** The seven request attributes a DSLX term can look at. */
export type MatchType = 'HOST' | 'URL' | 'METHOD' | 'PARAM' | 'HEADER' | 'COOKIE' | 'SRC_IP';

/** ALB's seven operators plus our PATH_PREFIX (segment-aware) and CIDR (SRC_IP blocks). */
export type Operator = 'EQ' | 'IN' | 'STARTS_WITH' | 'ENDS_WITH' | 'REGEX' | 'RANGE' | 'EXIST' | 'PATH_PREFIX' | 'CIDR';

/**
 * One term of a rule: every term must hold (AND); inside a term, any row may hold (OR).
 * A row is `[OPERATOR, ...arguments]`.
 */
export type DslxTerm = { type: MatchType; key?: string; values: string[][] };

/** What a rule is matched against: a request as the proxy received it. */
export type MatchRequest = {
  method: string;
  /** The request-target as received: `path[?query]` (absolute-form `http://host/path` is accepted too). */
  url: string;
  /** Lower-case header names, as in node:http; the host comes from `host`. */
  headers: Record<string, string | string[] | undefined>;
  /** The client's IP as the proxy resolved it (trusted proxies already applied). */
  remoteAddress: string;
};

/** One problem found in a DSLX value: where it is and what to do about it. */
export type ValidationIssue = { path: string; message: string; code: string };

export type CompiledDslx = { match(req: MatchRequest): boolean };

/** A rule as a rule table takes it. */
export type RuleInput = { name: string; priority: number; dslx: DslxTerm[] };
