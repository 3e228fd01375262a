import { defaultDomain, labels as albLabels } from '@alb/crd-types';
import type { ResolvedAlb } from '../config/resolve-alb.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { childLabels } from './operator-labels.ts';
import { ownerReference } from './owner-reference.ts';
import { childNames, type RenderContext } from './render-context.ts';

/** The instances' pod selector, ALB's (`service_name: alb2-<alb>`); Services select the same pods. */
export function podSelector(alb: Pick<ResolvedAlb, 'name'>): Record<string, string> {
  return { service_name: `alb2-${alb.name}` };
}

/**
 * The Deployment of `alb-instance --source kube` for one ALB2. Host mode: host network, one instance per node
 * (required anti-affinity on `alb2.<domain>/type`, as ALB), root with only NET_BIND_SERVICE (the node's ports).
 * Container mode: pod network, non-root (unprivileged ports start at 0 in the pod's own network namespace), spread
 * over nodes when possible. The rolling update never takes the last serving instance away.
 */
export function renderDeployment(alb: ResolvedAlb, ctx: RenderContext): KubeObject {
  const host = alb.networkMode === 'host';
  const names = albLabels(ctx.domain);
  const podLabels: Record<string, string> = {
    ...podSelector(alb),
    ...childLabels(alb, ctx.version),
    [`alb2.${ctx.domain}/pod_type`]: 'alb',
    [`alb2.${ctx.domain}/version`]: ctx.version,
    ...(host && { [names.albType]: alb.antiAffinityKey }),
  };
  const args = [
    '--source',
    'kube',
    '--alb',
    alb.name,
    '--namespace',
    alb.namespace,
    '--ops-port',
    String(alb.metricsPort),
    '--workers',
    String(alb.workers),
    '--drain-timeout',
    String(alb.maxTermSeconds),
    ...(ctx.domain === defaultDomain ? [] : ['--domain', ctx.domain]),
  ];
  const probe = (path: string) => ({ httpGet: { path, port: alb.metricsPort } });
  const container = {
    name: 'alb',
    image: alb.image,
    args,
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    ports: [{ name: 'ops', containerPort: alb.metricsPort, protocol: 'TCP' }],
    readinessProbe: { ...probe('/readyz'), periodSeconds: 5 },
    livenessProbe: { ...probe('/healthz'), initialDelaySeconds: 10, periodSeconds: 20 },
    resources: alb.resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: alb.readonlyFS,
      capabilities: host ? { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } : { drop: ['ALL'] },
      ...(host ? { runAsUser: 0 } : { runAsNonRoot: true, runAsUser: 1000 }),
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  const affinity = host
    ? {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { [names.albType]: alb.antiAffinityKey } }, topologyKey: hostnameKey },
          ],
        },
      }
    : {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: { labelSelector: { matchLabels: podSelector(alb) }, topologyKey: hostnameKey },
            },
          ],
        },
      };
  const podSpec: Record<string, unknown> = {
    serviceAccountName: childNames.serviceAccount(alb.name),
    ...(host && { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }),
    ...(!host && { securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } }),
    terminationGracePeriodSeconds: alb.maxTermSeconds + 10,
    ...(Object.keys(alb.nodeSelector).length > 0 && { nodeSelector: sortedMap(alb.nodeSelector) }),
    tolerations: alb.tolerateAll ? [{ operator: 'Exists' }] : defaultTolerations,
    affinity,
    containers: [container],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: childNames.deployment(alb.name),
      namespace: alb.namespace,
      labels: childLabels(alb, ctx.version),
      ownerReferences: [ownerReference(alb)],
    },
    spec: {
      replicas: alb.replicas,
      selector: { matchLabels: podSelector(alb) },
      strategy: { type: 'RollingUpdate', rollingUpdate: rollingUpdate(alb) },
      template: { metadata: { labels: podLabels }, spec: podSpec },
    },
  };
}

const hostnameKey = 'kubernetes.io/hostname';

/** ALB tolerates control-plane nodes, where load balancers often run. */
const defaultTolerations = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
];

/**
 * Never below one serving instance: one replica surges (a second node must be free in host mode; until one is, the
 * old instance keeps serving), several replicas replace one at a time (host mode cannot surge onto a node whose
 * ports the old instance holds); container mode always surges.
 */
function rollingUpdate(alb: ResolvedAlb): { maxSurge: number; maxUnavailable: number } {
  if (alb.networkMode === 'host' && alb.replicas > 1) return { maxSurge: 0, maxUnavailable: 1 };
  return { maxSurge: 1, maxUnavailable: 0 };
}

function sortedMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
