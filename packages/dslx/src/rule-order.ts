import { complexity } from './complexity.ts';
import { internalLength } from './internal-form.ts';
import type { RuleInput } from './types.ts';

/** The sort keys of a rule, computed once. */
export type RuleOrderKey = { name: string; priority: number; complexity: number; internalLength: number };

export function ruleOrderKey(rule: RuleInput): RuleOrderKey {
  return {
    name: rule.name,
    priority: rule.priority,
    complexity: complexity(rule.dslx),
    internalLength: internalLength(rule.dslx),
  };
}

/**
 * ALB's rule order (`Policies.Less`): priority ascending (lower first), then complexity descending, then the
 * internal form's length descending, then name ascending (byte order). A total order: equal only for equal names.
 */
export function compareRules(a: RuleOrderKey, b: RuleOrderKey): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.complexity !== b.complexity) return b.complexity - a.complexity;
  if (a.internalLength !== b.internalLength) return b.internalLength - a.internalLength;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
