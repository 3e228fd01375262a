import { allHold, compileTerm, TermInterner, type TermMatcher } from './compile.ts';
import { complexity } from './complexity.ts';
import { internalLength } from './internal-form.ts';
import { RequestView } from './request-view.ts';
import type { CompiledRule, RuleCompileCache } from './rule-compile-cache.ts';
import { RuleIndex, type IndexedTerms } from './rule-index.ts';
import { compareRules, type RuleOrderKey } from './rule-order.ts';
import type { IndexList } from './prefix-tree.ts';
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
  const interner = new TermInterner();
  const compileOne = (dslx: unknown) => compileRule(dslx, interner);
  const skipped: SkippedRule[] = [];
  const compiled: Array<{ rule: R; key: RuleOrderKey; terms: readonly TermMatcher[] }> = [];
  let termCount = 0;
  for (const rule of rules) {
    const done = cache === null ? compileOne(rule.dslx) : cache.get(rule.dslx, compileOne);
    if (done.issues.length > 0) {
      skipped.push({ name: rule.name, issues: [...done.issues] });
      continue;
    }
    const key: RuleOrderKey = {
      name: rule.name,
      priority: rule.priority,
      complexity: done.complexity,
      internalLength: done.internalLength,
    };
    compiled.push({ rule, key, terms: done.terms });
    termCount += done.terms.length;
  }
  compiled.sort((a, b) => compareRules(a.key, b.key));
  // Per rule, only parallel arrays: the rule, where its terms start in one shared array, its complexity.
  const count = compiled.length;
  const sorted = new Array<R>(count);
  const complexities = new Float64Array(count);
  const start = new Int32Array(count + 1);
  const terms = new Array<TermMatcher>(termCount);
  let next = 0;
  for (let i = 0; i < count; i++) {
    const entry = compiled[i]!;
    sorted[i] = entry.rule;
    complexities[i] = entry.key.complexity;
    start[i] = next;
    for (const term of entry.terms) terms[next++] = term;
  }
  start[count] = next;
  return new IndexedRuleTable(sorted, { terms, start }, complexities, skipped);
}

const noIssues: readonly ValidationIssue[] = Object.freeze([]);

/** Everything about a rule that depends only on its dslx. Identical terms come out as one object via `interner`. */
export function compileRule(dslx: unknown, interner?: TermInterner): CompiledRule {
  const { terms, issues } = parseDslx(dslx);
  if (issues.length > 0) return { issues, terms: [], complexity: 0, internalLength: 0 };
  const input = dslx as RuleInput['dslx'];
  return {
    issues: noIssues, // one shared empty list: a compile cache keeps this object per rule
    terms: terms.map((term) => (interner === undefined ? compileTerm(term) : interner.get(term))),
    complexity: complexity(input),
    internalLength: internalLength(input),
  };
}

export class IndexedRuleTable<R extends RuleInput> implements RuleTable<R> {
  /** Rule i's terms are compiled.terms[compiled.start[i]..compiled.start[i + 1]). */
  readonly rules: readonly R[];
  readonly skipped: readonly SkippedRule[];
  private readonly compiled: IndexedTerms;
  private readonly complexities: Float64Array;
  private readonly index: RuleIndex;
  // Scratch space for one lookup at a time (matching is synchronous), so a lookup allocates no arrays.
  private readonly lists: IndexList[] = [];
  private readonly cursors: number[] = [];

  constructor(rules: R[], compiled: IndexedTerms, complexities: Float64Array, skipped: SkippedRule[]) {
    this.rules = rules;
    this.compiled = compiled;
    this.complexities = complexities;
    this.skipped = skipped;
    this.index = new RuleIndex(compiled, rules.length);
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
    const rules = this.rules;
    if (count === 1) {
      const only = lists[0]!;
      if (typeof only === 'number') return this.holds(only, view) ? rules[only]! : null;
      for (let i = 0; i < only.length; i++) if (this.holds(only[i]!, view)) return rules[only[i]!]!;
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
        const candidate =
          typeof list === 'number' ? (cursor === 0 ? list : -1) : cursor < list.length ? list[cursor]! : -1;
        if (candidate !== -1 && candidate < best) {
          best = candidate;
          bestList = l;
        }
      }
      if (bestList === -1) return null;
      cursors[bestList]!++;
      if (best === last) continue;
      last = best;
      if (this.holds(best, view)) return rules[best]!;
    }
  }

  /** The reference semantics: every rule in order, first match wins. The index must always agree with it. */
  scanLinear(req: MatchRequest): string | null {
    const view = new RequestView(req);
    for (let i = 0; i < this.rules.length; i++) if (this.holds(i, view)) return this.rules[i]!.name;
    return null;
  }

  explain(req: MatchRequest): Explanation {
    const view = new RequestView(req);
    const verdicts: RuleVerdict[] = [];
    const { terms, start } = this.compiled;
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      let failedTerm = -1;
      for (let t = start[i]!; t < start[i + 1]! && failedTerm === -1; t++)
        if (!terms[t]!.test(view)) failedTerm = t - start[i]!;
      const verdict: RuleVerdict = {
        name: rule.name,
        priority: rule.priority,
        complexity: this.complexities[i]!,
        matched: failedTerm === -1,
      };
      if (failedTerm !== -1) verdict.failedTerm = failedTerm;
      verdicts.push(verdict);
      if (failedTerm === -1) return { winner: rule.name, rules: verdicts, skipped: [...this.skipped] };
    }
    return { winner: null, rules: verdicts, skipped: [...this.skipped] };
  }

  private holds(i: number, view: RequestView): boolean {
    const { terms, start } = this.compiled;
    return allHold(terms, start[i]!, start[i + 1]!, view);
  }
}
