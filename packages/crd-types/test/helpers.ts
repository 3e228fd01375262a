import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const fixturesDir = new URL('./fixtures/', import.meta.url);

/** A YAML fixture, parsed (a fresh copy each time, so tests may mutate it). */
export function fixture(path: string): Record<string, unknown> {
  return parse(readFileSync(new URL(path, fixturesDir), 'utf8')) as Record<string, unknown>;
}

/** A copy of `base` changed by `change` (which may mutate its argument freely). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test fixtures are reshaped at will
export function patched<T>(base: T, change: (copy: any) => void): T {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}
