// The labels the operator puts on everything it creates, as ALB's operator writes them (hard-coded `alb.cpaas.io`
// there too), so tools written for ALB find the same objects; and the way back from a child to its ALB2.
import type { ResolvedAlb } from '../config/resolve-alb.ts';

export const operatorLabels = {
  managedBy: 'alb.cpaas.io/managed-by',
  albName: 'alb.cpaas.io/alb2-operator-albname',
  albNamespace: 'alb.cpaas.io/alb2-operator-albns',
  version: 'alb.cpaas.io/version',
} as const;

/** The value of `alb.cpaas.io/managed-by` on every child: the label selector of the operator's watches. */
export const managedBy = 'alb-operator';

/** `alb.cpaas.io/managed-by=alb-operator`. */
export const managedSelector = `${operatorLabels.managedBy}=${managedBy}`;

/** The labels of every child of `alb`. */
export function childLabels(alb: Pick<ResolvedAlb, 'name' | 'namespace'>, version: string): Record<string, string> {
  return {
    [operatorLabels.managedBy]: managedBy,
    [operatorLabels.albName]: alb.name,
    [operatorLabels.albNamespace]: alb.namespace,
    [operatorLabels.version]: version,
  };
}

/** The ALB2 (`namespace/name`) a child belongs to, from its labels; null when it is not one of ours. */
export function ownerKey(labels: Record<string, string> | undefined): string | null {
  if (labels?.[operatorLabels.managedBy] !== managedBy) return null;
  const name = labels[operatorLabels.albName];
  const namespace = labels[operatorLabels.albNamespace];
  return name && namespace ? `${namespace}/${name}` : null;
}
