import type { Segment } from './field-path.ts';

/**
 * A copy without null-valued object fields: the API server drops them before validation (no field is nullable),
 * and YAML writes an empty value (`certificate_name:`) as null.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = withoutNulls(child);
  return out;
}

/** Deletes the field at each path (in place): unknown fields, which the API server prunes too. */
export function deletePaths(root: unknown, paths: readonly Segment[][]): void {
  for (const path of paths) {
    let current: unknown = root;
    for (const segment of path.slice(0, -1)) {
      current = typeof current === 'object' && current !== null ? (current as Record<Segment, unknown>)[segment] : null;
    }
    if (typeof current === 'object' && current !== null) delete (current as Record<Segment, unknown>)[path.at(-1)!];
  }
}
