import type { PortRange } from './port-range.ts';
import { rangeSize } from './port-range.ts';

/** The lowest port of `ranges` (in order) that is neither used nor excluded, or null when all are taken. */
export function allocatePort(
  ranges: readonly PortRange[],
  used: ReadonlySet<number>,
  excluded: ReadonlySet<number> = new Set(),
): number | null {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (const range of sorted)
    for (let port = range.start; port <= range.end; port++) if (!used.has(port) && !excluded.has(port)) return port;
  return null;
}

/** How many ports of `range` are not in `used`. */
export function freeCount(range: PortRange, used: ReadonlySet<number>): number {
  let taken = 0;
  for (const port of used) if (port >= range.start && port <= range.end) taken++;
  return rangeSize(range) - taken;
}
