import type { PortRange } from './port-range.ts';
import { rangeSize } from './port-range.ts';

/**
 * A port of `ranges` that is neither used nor excluded, or null when all are taken: the lowest one, or with
 * `spread`, one of the lowest `spread` free ports picked by `random` (so that concurrent creates that lost a race
 * do not all try the same next port).
 */
export function allocatePort(
  ranges: readonly PortRange[],
  used: ReadonlySet<number>,
  excluded: ReadonlySet<number> = new Set(),
  spread = 1,
  random: () => number = Math.random,
): number | null {
  const candidates: number[] = [];
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (const range of sorted)
    for (let port = range.start; port <= range.end && candidates.length < spread; port++)
      if (!used.has(port) && !excluded.has(port)) candidates.push(port);
  if (candidates.length === 0) return null;
  return candidates[Math.floor(random() * candidates.length)] ?? candidates[0]!;
}

/** How many ports of `range` are not in `used`. */
export function freeCount(range: PortRange, used: ReadonlySet<number>): number {
  let taken = 0;
  for (const port of used) if (port >= range.start && port <= range.end) taken++;
  return rangeSize(range) - taken;
}
