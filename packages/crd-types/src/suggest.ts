/** The option a user probably meant by `value` (case, `_`/`-`, or a small typo), or null when none stands out. */
export function suggest(value: string, options: readonly string[]): string | null {
  const squash = (s: string) => s.toLowerCase().replaceAll(/[-_]/g, '');
  const exact = options.find((option) => squash(option) === squash(value));
  if (exact !== undefined) return exact;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const option of options) {
    const d = distance(value.toLowerCase(), option.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [option, d];
    else if (d === bestDistance) best = null; // a tie: no single suggestion
  }
  const limit = Math.min(2, Math.floor(value.length / 3));
  return bestDistance <= limit ? best : null;
}

/** Levenshtein distance (short strings only: field names and enum values). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}
