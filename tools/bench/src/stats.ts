/** Median of a non-empty list (mean of the two middle values for an even count); NaN for an empty one. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `value / reference`, or null when the reference is missing or zero (no meaningful ratio). */
export function ratio(value: number, reference: number | null | undefined): number | null {
  if (reference == null || reference === 0 || !Number.isFinite(reference) || !Number.isFinite(value)) return null;
  return value / reference;
}
