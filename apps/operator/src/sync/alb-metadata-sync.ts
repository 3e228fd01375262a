// The labels and finalizer the operator applies to an ALB2 (server-side apply on the user's object, so no
// annotation of ours there): up to date when every one is present and the operator owns no other label, read from
// the object's managedFields.
import type { KubeObject } from '../kube/kube-object.ts';
import type { AlbMetadata } from '../render/alb-metadata.ts';

/** Label keys `manager` owns on `object` through server-side apply (its `Apply` entry of the main resource). */
export function appliedLabelKeys(object: KubeObject, manager: string): string[] {
  const entry = object.metadata.managedFields?.find(
    (m) => m.manager === manager && m.operation === 'Apply' && (m.subresource ?? '') === '',
  );
  const labels = (entry?.fieldsV1?.['f:metadata'] as Record<string, unknown> | undefined)?.['f:labels'];
  if (labels === null || typeof labels !== 'object') return [];
  return Object.keys(labels)
    .filter((key) => key.startsWith('f:'))
    .map((key) => key.slice(2));
}

export function albMetadataUpToDate(desired: AlbMetadata, observed: KubeObject, manager: string): boolean {
  const labels = observed.metadata.labels ?? {};
  if (Object.entries(desired.labels).some(([key, value]) => labels[key] !== value)) return false;
  const finalizers = observed.metadata.finalizers ?? [];
  if (desired.finalizers.some((f) => !finalizers.includes(f))) return false;
  return appliedLabelKeys(observed, manager).every((key) => key in desired.labels);
}
