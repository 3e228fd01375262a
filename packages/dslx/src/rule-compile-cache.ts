import type { TermMatcher } from './compile.ts';
import type { ValidationIssue } from './types.ts';

/**
 * Everything about a rule that depends only on its dslx: validation, one compiled matcher per term (in dslx
 * order; none when there are issues), sort keys.
 */
export type CompiledRule = {
  readonly issues: readonly ValidationIssue[];
  readonly terms: readonly TermMatcher[];
  readonly complexity: number;
  readonly internalLength: number;
};

/**
 * Compiled dslx by content, kept from one table to the next. A data plane that rebuilds its table on every config
 * change compiles only the rules that changed. Entries not used by the tables built since the last `prune` are
 * dropped by it, so the cache never holds more than the rules in use.
 */
export class RuleCompileCache {
  private entries = new Map<string, CompiledRule>();
  private used = new Map<string, CompiledRule>();

  get(dslx: unknown, compile: (dslx: unknown) => CompiledRule): CompiledRule {
    const key = JSON.stringify(dslx);
    let entry = this.used.get(key);
    if (entry !== undefined) return entry;
    entry = this.entries.get(key) ?? compile(dslx);
    this.used.set(key, entry);
    return entry;
  }

  /** Forgets what was not used since the last prune; call after building the tables of a config. */
  prune(): void {
    this.entries = this.used;
    this.used = new Map();
  }

  get size(): number {
    return this.entries.size;
  }
}
