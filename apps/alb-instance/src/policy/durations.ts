/**
 * nginx-style durations as ALB writes them in keepalive settings: `75s`, `1m`, `500ms`, `1h`, or a bare number of
 * seconds. Returns milliseconds, or null when the text is not a duration.
 */
export function parseDuration(text: string | number | undefined): number | null {
  if (text === undefined) return null;
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text * 1000 : null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (match === null) return null;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
  return Math.round(value * factor);
}
