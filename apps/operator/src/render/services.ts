import type { ResolvedAlb } from '../config/resolve-alb.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { podSelector } from './deployment.ts';
import { childLabels } from './operator-labels.ts';
import { ownerReference } from './owner-reference.ts';
import { childNames, type RenderContext } from './render-context.ts';

/** Service `<alb>` (ClusterIP): the instances' ops port, for Prometheus and in-cluster health checks. */
export function renderMetricsService(alb: ResolvedAlb, ctx: RenderContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: childNames.metricsService(alb.name),
      namespace: alb.namespace,
      labels: childLabels(alb, ctx.version),
      ownerReferences: [ownerReference(alb)],
    },
    spec: {
      type: 'ClusterIP',
      selector: podSelector(alb),
      ports: [{ name: 'metrics', port: alb.metricsPort, targetPort: alb.metricsPort, protocol: 'TCP' }],
    },
  };
}

type ServicePort = { name: string; port: number; targetPort: number; protocol: 'TCP' | 'UDP' };

/**
 * Container mode: Service `<alb>-lb` exposing every Frontend port (and the Ingress ports when Ingress is on), of
 * type LoadBalancer with `vip.enableLbSvc`, else NodePort. Null when there is no port to expose (a Service needs
 * one) and in host mode (the instances listen on the nodes themselves).
 */
export function renderLbService(alb: ResolvedAlb, ctx: RenderContext): KubeObject | null {
  if (alb.networkMode !== 'container') return null;
  const ports = exposedPorts(alb, ctx);
  if (ports.length === 0) return null;
  const lb = alb.loadBalancer;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: childNames.lbService(alb.name),
      namespace: alb.namespace,
      labels: childLabels(alb, ctx.version),
      ...(lb && Object.keys(alb.lbAnnotations).length > 0 && { annotations: { ...alb.lbAnnotations } }),
      ownerReferences: [ownerReference(alb)],
    },
    spec: {
      type: lb ? 'LoadBalancer' : 'NodePort',
      selector: podSelector(alb),
      ports,
      ...(lb && { ipFamilyPolicy: alb.lbIpFamilyPolicy }),
      ...(lb &&
        alb.allocateLoadBalancerNodePorts !== null && {
          allocateLoadBalancerNodePorts: alb.allocateLoadBalancerNodePorts,
        }),
    },
  };
}

/** Frontend ports (udp -> UDP, everything else TCP) plus the Ingress ports, sorted, each (port, protocol) once. */
export function exposedPorts(alb: ResolvedAlb, ctx: RenderContext): ServicePort[] {
  const wanted = new Map<string, ServicePort>();
  const add = (port: number, protocol: 'TCP' | 'UDP') => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return;
    const name = `${protocol.toLowerCase()}-${port}`;
    wanted.set(name, { name, port, targetPort: port, protocol });
  };
  for (const frontend of ctx.frontends) add(frontend.port, frontend.protocol === 'udp' ? 'UDP' : 'TCP');
  if (alb.enableIngress) {
    add(alb.ingressHttpPort, 'TCP');
    add(alb.ingressHttpsPort, 'TCP');
  }
  return [...wanted.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}
