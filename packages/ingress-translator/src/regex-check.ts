import type { RegexProblem } from '@alb/dslx';
import { checkRegex } from '@alb/dslx';

export type RegexCheck = (pattern: string) => RegexProblem | null;

/**
 * `checkRegex` remembered for one translation: Ingresses repeat the same few patterns, and compiling one is the
 * most expensive step. Lives only as long as the call, so it is bounded by the input.
 */
export function regexChecker(): RegexCheck {
  const seen = new Map<string, RegexProblem | null>();
  return (pattern) => {
    let problem = seen.get(pattern);
    if (problem === undefined) seen.set(pattern, (problem = checkRegex(pattern)));
    return problem;
  };
}
