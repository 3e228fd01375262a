/** An inclusive port range; a single port has `start === end`. */
export type PortRange = { start: number; end: number };

const rangeText = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** `"80"` or `"30000-30099"` (inclusive, 1-65535, start <= end), else null. */
export function parsePortRange(text: string): PortRange | null {
  const match = rangeText.exec(text);
  if (match === null) return null;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1 || end > 65535 || start > end) return null;
  return { start, end };
}

/** ALB's text form: `"80"` for one port, `"30000-30099"` for a range. */
export function formatPortRange(range: PortRange): string {
  return range.start === range.end ? String(range.start) : `${range.start}-${range.end}`;
}

export function rangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function rangeContains(range: PortRange, port: number): boolean {
  return range.start <= port && port <= range.end;
}

export function rangeSize(range: PortRange): number {
  return range.end - range.start + 1;
}
