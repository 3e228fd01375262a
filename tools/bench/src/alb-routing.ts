import type { StatsSnapshot } from '@alb/proxy-core';

export type AlbRouting = {
  /** Requests the expected rule answered with 200. */
  matched: number;
  /** Everything else the data plane counted (another rule, the catch-all, or another status). */
  other: Array<{ rule: string; status: number; count: number }>;
};

/** Splits the data plane's per-rule counters into "rule `rule`, 200" and the rest (which the bench must not see). */
export function albRouting(stats: StatsSnapshot, rule: string): AlbRouting {
  const out: AlbRouting = { matched: 0, other: [] };
  for (const listener of stats.listeners)
    for (const entry of listener.requests) {
      if (entry.rule === rule && entry.status === 200) out.matched += entry.count;
      else out.other.push(entry);
    }
  return out;
}
