// An ALB2 as the operator acts on it: ALB's defaults (its operator's DefaultConfig) under the user's spec.config,
// plus the checks the schema cannot make but the children need. Pure.
import { parseAlb2, type Alb2, type ValidationIssue } from '@alb/crd-types';
import { operatorCodes } from '../errors.ts';
import { parseQuantity } from './quantity.ts';

export type ResourceQuantities = { cpu: string; memory: string };

export type ResolvedAlb = {
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  networkMode: 'host' | 'container';
  replicas: number;
  nodeSelector: Record<string, string>;
  /** `vip.enableLbSvc`: container mode exposes the Frontends through a LoadBalancer Service, else a NodePort one. */
  loadBalancer: boolean;
  lbIpFamilyPolicy: string;
  allocateLoadBalancerNodePorts: boolean | null;
  lbAnnotations: Record<string, string>;
  enableIngress: boolean;
  defaultIngressClass: boolean;
  ingressHttpPort: number;
  ingressHttpsPort: number;
  projects: string[];
  enablePortProject: boolean;
  /** `portProjects` as written (the JSON string ALB stores in the port-info ConfigMap). */
  portProjects: string;
  resources: { limits: ResourceQuantities; requests: ResourceQuantities };
  metricsPort: number;
  /** Worker processes per instance: min(CPU limit rounded up, workerLimit), as ALB sizes nginx workers. */
  workers: number;
  maxTermSeconds: number;
  antiAffinityKey: string;
  readonlyFS: boolean;
  /** The image every instance runs: `overwrite.image[].alb` when one applies, else the operator's `--image`. */
  image: string;
  /** The override in effect (status.detail.version.imagePatch), null when none. */
  imagePatch: string | null;
  /** Annotation `alb.cpaas.io/tolerate-all: "true"`: tolerate every taint. */
  tolerateAll: boolean;
};

/** What the operator learned from an ALB2: what to build, or the problems that stop it (fields named). */
export type Resolution =
  { ok: true; alb: ResolvedAlb; warnings: ValidationIssue[] } | { ok: false; issues: ValidationIssue[] };

export type ResolveContext = {
  /** The operator's `--image`. */
  image: string;
  /** The operator's version: `overwrite.image` entries whose `target` names another version do not apply. */
  version: string;
  domain: string;
};

/** Annotation on an ALB2: every taint is tolerated (ALB's `tolerate-all`). */
export const tolerateAllAnnotation = 'alb.cpaas.io/tolerate-all';

/** Longest ALB2 name whose children's names and labels fit (`service_name: alb2-<name>` is a 63-character label). */
export const maxAlbNameLength = 58;

const defaults = {
  networkMode: 'host',
  replicas: 3,
  enableIngress: 'true',
  defaultIngressClass: false,
  ingressHTTPPort: 80,
  ingressHTTPSPort: 443,
  enablePortProject: false,
  portProjects: '[]',
  limits: { cpu: '2', memory: '2Gi' },
  requests: { cpu: '50m', memory: '128Mi' },
  metricsPort: 1936,
  workerLimit: 8,
  maxTermSeconds: 30,
  antiAffinityKey: 'local',
  readonlyFS: true,
  lbSvcIpFamilyPolicy: 'PreferDualStack',
} as const;

/** Validates an ALB2 and fills in the defaults. Bad input comes back as issues naming the field, never thrown. */
export function resolveAlb(input: unknown, ctx: ResolveContext): Resolution {
  const parsed = parseAlb2(input, { domain: ctx.domain });
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const alb: Alb2 = parsed.value;
  const issues: ValidationIssue[] = [];
  const name = alb.metadata.name ?? '';
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > maxAlbNameLength)
    issues.push({
      path: 'metadata.name',
      code: operatorCodes.invalidName,
      severity: 'error',
      message:
        `must be a DNS label (lower-case letters, digits and '-', starting with a letter) of at most ` +
        `${maxAlbNameLength} characters to name its Deployment, Services and labels, got "${name}"`,
    });
  const config = alb.spec?.config ?? {};
  const quantity = (path: string, value: string | undefined, fallback: string): string => {
    if (value === undefined) return fallback;
    if (parseQuantity(value) === null)
      issues.push({
        path: `spec.config.resources.${path}`,
        code: operatorCodes.invalidSpec,
        severity: 'error',
        message: `must be a quantity like "500m", "2" or "128Mi", got "${value}"`,
      });
    return value;
  };
  const resources = {
    limits: {
      cpu: quantity('limits.cpu', config.resources?.limits?.cpu, defaults.limits.cpu),
      memory: quantity('limits.memory', config.resources?.limits?.memory, defaults.limits.memory),
    },
    requests: {
      cpu: quantity('requests.cpu', config.resources?.requests?.cpu, defaults.requests.cpu),
      memory: quantity('requests.memory', config.resources?.requests?.memory, defaults.requests.memory),
    },
  };
  if (issues.length > 0) return { ok: false, issues };

  const workerLimit = config.workerLimit ?? defaults.workerLimit;
  const cpuLimit = parseQuantity(resources.limits.cpu) ?? 1;
  const override = imageOverride(config.overwrite?.image, ctx.version);
  const vip = config.vip ?? {};
  return {
    ok: true,
    warnings: parsed.issues,
    alb: {
      name,
      namespace: alb.metadata.namespace ?? 'default',
      uid: alb.metadata.uid ?? '',
      generation: alb.metadata.generation ?? 0,
      networkMode: config.networkMode ?? defaults.networkMode,
      replicas: config.replicas ?? defaults.replicas,
      nodeSelector: { ...config.nodeSelector },
      loadBalancer: vip.enableLbSvc === true,
      lbIpFamilyPolicy: vip.lbSvcIpFamilyPolicy ?? defaults.lbSvcIpFamilyPolicy,
      allocateLoadBalancerNodePorts: vip.allocateLoadBalancerNodePorts ?? null,
      lbAnnotations: { ...vip.lbSvcAnnotations },
      enableIngress: (config.enableIngress ?? defaults.enableIngress) === 'true',
      defaultIngressClass: config.defaultIngressClass ?? defaults.defaultIngressClass,
      ingressHttpPort: config.ingressHTTPPort ?? defaults.ingressHTTPPort,
      ingressHttpsPort: config.ingressHTTPSPort ?? defaults.ingressHTTPSPort,
      projects: [...(config.projects ?? [])],
      enablePortProject: config.enablePortProject ?? defaults.enablePortProject,
      portProjects: config.portProjects ?? defaults.portProjects,
      resources,
      metricsPort: config.metricsPort ?? defaults.metricsPort,
      workers: Math.max(1, Math.min(Math.ceil(cpuLimit), workerLimit)),
      maxTermSeconds: config.maxTermSeconds ?? defaults.maxTermSeconds,
      antiAffinityKey: config.antiAffinityKey ?? defaults.antiAffinityKey,
      readonlyFS: config.readonlyFS ?? defaults.readonlyFS,
      image: override ?? ctx.image,
      imagePatch: override,
      tolerateAll: alb.metadata.annotations?.[tolerateAllAnnotation] === 'true',
    },
  };
}

/** ALB's rule: the first `overwrite.image` entry whose target is empty or this version, and that names an image. */
function imageOverride(entries: Array<{ target?: string; alb?: string }> | undefined, version: string): string | null {
  for (const entry of entries ?? []) {
    if (entry.target !== undefined && entry.target !== '' && entry.target !== version) continue;
    if (entry.alb !== undefined && entry.alb.trim() !== '') return entry.alb.trim();
  }
  return null;
}
