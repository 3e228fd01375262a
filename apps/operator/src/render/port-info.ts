import type { ResolvedAlb } from '../config/resolve-alb.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { childLabels } from './operator-labels.ts';
import { ownerReference } from './owner-reference.ts';
import { childNames, type RenderContext } from './render-context.ts';

/** Port-project mode: ConfigMap `<alb>-port-info` with `data.range` = `portProjects`, as ALB's operator writes it. */
export function renderPortInfo(alb: ResolvedAlb, ctx: RenderContext): KubeObject | null {
  if (!alb.enablePortProject) return null;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: childNames.portInfo(alb.name),
      namespace: alb.namespace,
      labels: childLabels(alb, ctx.version),
      ownerReferences: [ownerReference(alb)],
    },
    data: { range: alb.portProjects },
  };
}
