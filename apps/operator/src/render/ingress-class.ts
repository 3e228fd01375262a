import { annotations } from '@alb/crd-types';
import type { ResolvedAlb } from '../config/resolve-alb.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { childLabels } from './operator-labels.ts';
import { childNames, type RenderContext } from './render-context.ts';

const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
const allProjects = 'ALL_ALL';

/**
 * IngressClass `<alb>` when Ingress is on: controller `<domain>/alb2`, parameters naming the ALB2 (the instances'
 * class selection reads them), ALB's annotations (`is-default-class`, and `alb.<domain>/project` for UIs). Null when
 * `enableIngress` is not "true". Cluster-scoped: removed by the ALB2's finalizer.
 */
export function renderIngressClass(alb: ResolvedAlb, ctx: RenderContext): KubeObject | null {
  if (!alb.enableIngress) return null;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: childNames.ingressClass(alb.name),
      labels: childLabels(alb, ctx.version),
      annotations: {
        [defaultClassAnnotation]: String(alb.defaultIngressClass),
        [annotations(ctx.domain).ingressClassProject]: ingressClassProjects(alb).join(','),
      },
    },
    spec: {
      controller: `${ctx.domain}/alb2`,
      parameters: {
        apiGroup: 'crd.alauda.io',
        kind: 'ALB2',
        name: alb.name,
        namespace: alb.namespace,
        scope: 'Namespace',
      },
    },
  };
}

/**
 * The projects the class is offered to. Port-project mode (ALB's rule): the projects of the Ingress http and https
 * ports' ranges, their intersection, or one side when the other is ALL_ALL (or disabled).
 */
export function ingressClassProjects(alb: ResolvedAlb): string[] {
  if (!alb.enablePortProject) return alb.projects;
  const ranges = parseRanges(alb.portProjects);
  const of = (port: number): string[] | null => {
    if (port <= 0) return null;
    return ranges.filter((r) => r.from <= port && port <= r.to).flatMap((r) => r.projects);
  };
  const http = of(alb.ingressHttpPort);
  const https = of(alb.ingressHttpsPort);
  if (http === null || https === null) return unique(http ?? https ?? []);
  if (http.includes(allProjects)) return unique(https);
  if (https.includes(allProjects)) return unique(http);
  return unique(http.filter((p) => https.includes(p)));
}

/** `portProjects` (already checked by @alb/crd-types) as inclusive ranges. */
function parseRanges(text: string): Array<{ from: number; to: number; projects: string[] }> {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: { port?: unknown; projects?: unknown }) => {
    const match = typeof entry?.port === 'string' ? /^(\d+)(?:-(\d+))?$/.exec(entry.port) : null;
    if (match === null || !Array.isArray(entry.projects)) return [];
    const from = Number(match[1]);
    return [{ from, to: match[2] === undefined ? from : Number(match[2]), projects: entry.projects.map(String) }];
  });
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
