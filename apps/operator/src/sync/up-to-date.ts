// "No write when nothing differs": whether an observed child already is what we would apply. Two checks:
// 1. the hash of the last applied configuration (an annotation we write) equals the hash of the desired one, which
//    catches fields we stopped setting (server-side apply removes them only if we apply again);
// 2. every field we set has our value in the observed object (a subset: the API server adds defaults, allocated
//    ports and status), which catches someone else changing our fields.
import { createHash } from 'node:crypto';
import { sameQuantity } from '../config/quantity.ts';
import type { KubeObject } from '../kube/kube-object.ts';

/** Annotation on every child: a hash of the configuration the operator applied. */
export const appliedHashAnnotation = 'alb.cpaas.io/applied-hash';

/** `desired` with the hash annotation of its own content: what the operator applies. */
export function withAppliedHash(desired: KubeObject): KubeObject {
  const hash = createHash('sha256').update(stableJson(desired)).digest('hex').slice(0, 20);
  return {
    ...desired,
    metadata: {
      ...desired.metadata,
      annotations: { ...desired.metadata.annotations, [appliedHashAnnotation]: hash },
    },
  };
}

/** Whether `observed` already is `desired` (as returned by `withAppliedHash`). */
export function upToDate(desired: KubeObject, observed: KubeObject | undefined): boolean {
  if (observed === undefined) return false;
  const want = desired.metadata.annotations?.[appliedHashAnnotation];
  if (want === undefined || observed.metadata.annotations?.[appliedHashAnnotation] !== want) return false;
  return isSubset(desired, observed, []);
}

/**
 * Every member of `want` is in `have` with an equal value; lists must have the same length, element by element
 * (defaults the API server adds inside an element are fine). Resource quantities compare by amount.
 */
export function isSubset(want: unknown, have: unknown, path: readonly string[]): boolean {
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return false;
    return want.every((item, i) => isSubset(item, have[i], path));
  }
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    const got = have as Record<string, unknown>;
    return Object.entries(want as Record<string, unknown>).every(
      ([key, value]) => value === undefined || isSubset(value, got[key], [...path, key]),
    );
  }
  if (typeof want === 'string' && typeof have === 'string' && isQuantityPath(path)) return sameQuantity(want, have);
  return want === have;
}

/** `...resources.limits.cpu` and friends: the API server stores quantities in canonical form. */
function isQuantityPath(path: readonly string[]): boolean {
  const n = path.length;
  return n >= 3 && path[n - 3] === 'resources' && (path[n - 2] === 'limits' || path[n - 2] === 'requests');
}

/** JSON with object keys sorted, so equal objects hash equally whatever the order their keys were set in. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
