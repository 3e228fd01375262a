import { andAll, compileParsedTerms, type ViewMatcher } from './compile.ts';
import { RequestView } from './request-view.ts';
import { compareRules, type RuleOrderKey } from './rule-order.ts';
import type { RuleCompileCache } from './rule-compile-cache.ts';
import { type CompiledRule } from './rule-compile-cache.ts';
import { RuleIndex } from './rule-index.ts';
import { complexity } from './complexity.ts';
import { internalLength } from './internal-form.ts';
import { parseDslx } from './syntax.ts';
import type { MatchRequest, RuleInput, ValidationIssue } from './types.ts';

/** A rule that could not be compiled, and why. It is left out of the table. */
export type SkippedRule = { name: string; issues: ValidationIssue[] };

/** How one rule fared against a request, in table order. */
export type RuleVerdict = {
  name: string;
  priority: number;
  complexity: number;
  matched: boolean;
  /** The first term (index into the rule's dslx) that did not hold; absent when the rule matched. */
  failedTerm?: number;
};

export type Explanation = { winner: string | null; rules: RuleVerdict[]; skipped: SkippedRule[] };

export type RuleTable<R extends RuleInput = RuleInput> = {
  /** The name of the first rule, in ALB's order, that matches; null when none does. */
  match(req: MatchRequest): string | null;
  /** Like match, but returns the rule object itself. */
  lookup(req: MatchRequest): R | null;
  /** The same as `lookup` for a request view the caller already made (to share its parsed values). */
  lookupView(view: RequestView): R | null;
  /** Rule by rule, in order until the winner: which term failed, and who won. */
  explain(req: MatchRequest): Explanation;
  /** The rules in table order (invalid ones left out). */
  readonly rules: readonly R[];
  readonly skipped: readonly SkippedRule[];
};

type Entry<R> = { rule: R; key: RuleOrderKey; terms: ViewMatcher[]; matcher: ViewMatcher };

/**
 * Builds an immutable, indexed table. Rules are sorted in ALB's order (priority, complexity, internal length,
 * name); invalid rules are skipped and listed in `skipped`, never thrown. With a `cache`, rules whose dslx was
 * compiled for an earlier table reuse that work (a config change rebuilds a table, but most rules stay the same).
 */
export function createRuleTable<R extends RuleInput>(
  rules: readonly R[],
  options: { cache?: RuleCompileCache } = {},
): IndexedRuleTable<R> {
  const cache = options.cache ?? null;
  const skipped: SkippedRule[] = [];
  const compiled: Array<Entry<R> & { parsed: CompiledRule['terms'] }> = [];
  for (const rule of rules) {
    const done = cache === null ? compileRule(rule.dslx) : cache.get(rule.dslx, compileRule);
    if (done.issues.length > 0) {
      skipped.push({ name: rule.name, issues: done.issues });
      continue;
    }
    const key: RuleOrderKey = {
      name: rule.name,
      priority: rule.priority,
      complexity: done.complexity,
      internalLength: done.internalLength,
    };
    compiled.push({ rule, key, terms: done.matchers, matcher: done.matcher, parsed: done.terms });
  }
  compiled.sort((a, b) => compareRules(a.key, b.key));
  const index = new RuleIndex();
  const entries: Array<Entry<R>> = compiled.map((entry, i) => {
    index.add(i, entry.parsed);
    return { rule: entry.rule, key: entry.key, terms: entry.terms, matcher: entry.matcher };
  });
  return new IndexedRuleTable(entries, index, skipped);
}

/** Everything about a rule that depends only on its dslx. */
export function compileRule(dslx: unknown): CompiledRule {
  const { terms, issues } = parseDslx(dslx);
  if (issues.length > 0) return { terms, issues, matchers: [], matcher: () => false, complexity: 0, internalLength: 0 };
  const matchers = compileParsedTerms(terms);
  const input = dslx as RuleInput['dslx'];
  return {
    terms,
    issues,
    matchers,
    matcher: andAll(matchers),
    complexity: complexity(input),
    internalLength: internalLength(input),
  };
}

export class IndexedRuleTable<R extends RuleInput> implements RuleTable<R> {
  readonly rules: readonly R[];
  readonly skipped: readonly SkippedRule[];
  private readonly entries: ReadonlyArray<Entry<R>>;
  private readonly index: RuleIndex;
  // Scratch space for one lookup at a time (matching is synchronous), so a lookup allocates no arrays.
  private readonly lists: number[][] = [];
  private readonly cursors: number[] = [];

  constructor(entries: Array<Entry<R>>, index: RuleIndex, skipped: SkippedRule[]) {
    this.entries = entries;
    this.index = index;
    this.skipped = skipped;
    this.rules = entries.map((e) => e.rule);
  }

  match(req: MatchRequest): string | null {
    return this.lookupView(new RequestView(req))?.name ?? null;
  }

  lookup(req: MatchRequest): R | null {
    return this.lookupView(new RequestView(req));
  }

  lookupView(view: RequestView): R | null {
    const lists = this.lists;
    lists.length = 0;
    this.index.collect(view.host(), view.path(), lists);
    const count = lists.length;
    if (count === 0) return null;
    const entries = this.entries;
    if (count === 1) {
      const only = lists[0]!;
      for (let i = 0; i < only.length; i++) {
        const entry = entries[only[i]!]!;
        if (entry.matcher(view)) return entry.rule;
      }
      return null;
    }
    // Merge the ascending candidate lists, trying each candidate once, lowest index (= first in order) first.
    const cursors = this.cursors;
    while (cursors.length < count) cursors.push(0);
    for (let l = 0; l < count; l++) cursors[l] = 0;
    let last = -1;
    for (;;) {
      let best = 0x7fffffff;
      let bestList = -1;
      for (let l = 0; l < count; l++) {
        const list = lists[l]!;
        const cursor = cursors[l]!;
        if (cursor < list.length && list[cursor]! < best) {
          best = list[cursor]!;
          bestList = l;
        }
      }
      if (bestList === -1) return null;
      cursors[bestList]!++;
      if (best === last) continue;
      last = best;
      const entry = entries[best]!;
      if (entry.matcher(view)) return entry.rule;
    }
  }

  /** The reference semantics: every rule in order, first match wins. The index must always agree with it. */
  scanLinear(req: MatchRequest): string | null {
    const view = new RequestView(req);
    for (const entry of this.entries) if (entry.matcher(view)) return entry.rule.name;
    return null;
  }

  explain(req: MatchRequest): Explanation {
    const view = new RequestView(req);
    const verdicts: RuleVerdict[] = [];
    for (const entry of this.entries) {
      const failedTerm = entry.terms.findIndex((term) => !term(view));
      const verdict: RuleVerdict = {
        name: entry.rule.name,
        priority: entry.key.priority,
        complexity: entry.key.complexity,
        matched: failedTerm === -1,
      };
      if (failedTerm !== -1) verdict.failedTerm = failedTerm;
      verdicts.push(verdict);
      if (failedTerm === -1) return { winner: entry.rule.name, rules: verdicts, skipped: [...this.skipped] };
    }
    return { winner: null, rules: verdicts, skipped: [...this.skipped] };
  }
}
