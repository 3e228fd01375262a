// Observed objects reduced to what the status needs. Pure.
import type { KubeObject } from '../kube/kube-object.ts';
import type { NodeView, PodView } from '../status/addresses.ts';
import type { DeploymentView } from '../status/alb-status.ts';

type Condition = { type?: string; status?: string; reason?: string; message?: string };

export function deploymentView(deployment: KubeObject | undefined): DeploymentView | null {
  if (deployment === undefined) return null;
  const spec = (deployment.spec ?? {}) as { replicas?: number };
  const status = (deployment.status ?? {}) as {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    conditions?: Condition[];
  };
  const conditions = status.conditions ?? [];
  const replicaFailure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const deadline = conditions.find(
    (c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
  );
  return {
    generation: deployment.metadata.generation ?? 0,
    observedGeneration: status.observedGeneration ?? 0,
    replicas: spec.replicas ?? 1,
    currentReplicas: status.replicas ?? 0,
    updatedReplicas: status.updatedReplicas ?? 0,
    readyReplicas: status.readyReplicas ?? 0,
    failure: deadline === undefined ? null : `${deadline.reason}: ${deadline.message ?? ''}`.trim(),
    replicaFailure: replicaFailure === undefined ? null : (replicaFailure.message ?? 'ReplicaFailure'),
  };
}

export function podView(pod: KubeObject): PodView {
  const spec = (pod.spec ?? {}) as { nodeName?: string };
  const status = (pod.status ?? {}) as { conditions?: Condition[] };
  return {
    ...(spec.nodeName !== undefined && { nodeName: spec.nodeName }),
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    deleting: pod.metadata.deletionTimestamp !== undefined,
  };
}

export function nodeView(node: KubeObject): NodeView {
  const status = (node.status ?? {}) as { addresses?: Array<{ type?: string; address?: string }> };
  return {
    name: node.metadata.name,
    addresses: (status.addresses ?? []).flatMap((a) =>
      typeof a.type === 'string' && typeof a.address === 'string' ? [{ type: a.type, address: a.address }] : [],
    ),
  };
}

export function loadBalancerIngress(service: KubeObject | undefined): Array<{ ip?: string; hostname?: string }> {
  const status = (service?.status ?? {}) as { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
  return status.loadBalancer?.ingress ?? [];
}
