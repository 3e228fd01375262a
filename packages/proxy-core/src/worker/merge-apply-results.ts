import type { ApplyResult } from '../engine.ts';

/**
 * One result for an apply that every worker made: rules left out (the same in every worker, each listed once),
 * ports listening in every worker, and every port that failed in any worker, saying which workers and why.
 */
export function mergeApplyResults(results: ReadonlyArray<{ worker: number; result: ApplyResult }>): ApplyResult {
  const issues: ApplyResult['issues'] = [];
  const seenIssues = new Set<string>();
  const failures = new Map<number, string[]>();
  let listening = null as Set<number> | null;
  for (const { worker, result } of results) {
    for (const issue of result.issues) {
      const key = JSON.stringify([issue.port, issue.rule, issue.field, issue.message]);
      if (seenIssues.has(key)) continue;
      seenIssues.add(key);
      issues.push(issue);
    }
    for (const { port, error } of result.failed) {
      let list = failures.get(port);
      if (list === undefined) failures.set(port, (list = []));
      list.push(`worker ${worker}: ${error}`);
    }
    const ports = new Set(result.listening);
    listening = listening === null ? ports : new Set([...listening].filter((p) => ports.has(p)));
  }
  return {
    issues,
    listening: Array.from(listening ?? new Set<number>())
      .filter((p) => !failures.has(p))
      .sort((a, b) => a - b),
    failed: [...failures].sort(([a], [b]) => a - b).map(([port, errors]) => ({ port, error: errors.join('; ') })),
  };
}
