import type { ResolvedAlb } from '../config/resolve-alb.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { renderDeployment } from './deployment.ts';
import { renderIngressClass } from './ingress-class.ts';
import { renderClusterRoleBinding, renderLeaderRoleBinding, renderServiceAccount } from './instance-rbac.ts';
import { renderPortInfo } from './port-info.ts';
import type { RenderContext } from './render-context.ts';
import { renderLbService, renderMetricsService } from './services.ts';

/**
 * Every object one ALB2 needs, in apply order (identity and rights before the Deployment that uses them). Pure:
 * the same ALB2 and context give the same objects, byte for byte.
 */
export function renderChildren(alb: ResolvedAlb, ctx: RenderContext): KubeObject[] {
  const optional = (object: KubeObject | null): KubeObject[] => (object === null ? [] : [object]);
  return [
    renderServiceAccount(alb, ctx),
    renderLeaderRoleBinding(alb, ctx),
    renderClusterRoleBinding(alb, ctx),
    ...optional(renderPortInfo(alb, ctx)),
    renderMetricsService(alb, ctx),
    ...optional(renderLbService(alb, ctx)),
    renderDeployment(alb, ctx),
    ...optional(renderIngressClass(alb, ctx)),
  ];
}
