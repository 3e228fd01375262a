import type { ResolvedAlb } from '../config/resolve-alb.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { childLabels } from './operator-labels.ts';
import { ownerReference } from './owner-reference.ts';
import { childNames, instanceClusterRole, instanceLeaderClusterRole, type RenderContext } from './render-context.ts';

/** ServiceAccount `<alb>-serviceaccount`: the identity of the ALB's instances. */
export function renderServiceAccount(alb: ResolvedAlb, ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: childNames.serviceAccount(alb.name),
      namespace: alb.namespace,
      labels: childLabels(alb, ctx.version),
      ownerReferences: [ownerReference(alb)],
    },
  };
}

const subjectsOf = (alb: ResolvedAlb) => [
  { kind: 'ServiceAccount', name: childNames.serviceAccount(alb.name), namespace: alb.namespace },
];

/**
 * The instances' rights, least privilege, scoped to this ALB: the leader's writes (its Lease, translated Frontends
 * and Rules) only in the ALB's namespace, through a RoleBinding to ClusterRole `alb-instance-leader`.
 */
export function renderLeaderRoleBinding(alb: ResolvedAlb, ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: childNames.leaderRoleBinding(alb.name),
      namespace: alb.namespace,
      labels: childLabels(alb, ctx.version),
      ownerReferences: [ownerReference(alb)],
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: instanceLeaderClusterRole },
    subjects: subjectsOf(alb),
  };
}

/**
 * The reads every instance needs cluster-wide (ALB objects, Services, EndpointSlices, Ingresses, ...) plus status
 * writes and Events: ClusterRole `alb-instance`. Cluster-scoped, so no owner reference: the ALB2's finalizer
 * removes it.
 */
export function renderClusterRoleBinding(alb: ResolvedAlb, ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: childNames.clusterRoleBinding(alb.name, alb.namespace), labels: childLabels(alb, ctx.version) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: instanceClusterRole },
    subjects: subjectsOf(alb),
  };
}
