import type { ResolvedAlb } from '../config/resolve-alb.ts';
import type { OwnerReference } from '../kube/kube-object.ts';

/** The ALB2 as the controller owner of a namespaced child: deleting the ALB2 garbage-collects the child. */
export function ownerReference(alb: Pick<ResolvedAlb, 'name' | 'uid'>): OwnerReference {
  return {
    apiVersion: 'crd.alauda.io/v2beta1',
    kind: 'ALB2',
    name: alb.name,
    uid: alb.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
