// One ALB2 to what it should be: resolve and validate it, render its children, apply what differs (server-side
// apply as `alb-operator`), delete children it no longer needs, then write its status. I/O lives here; every
// decision is made by the pure modules it calls.
import { annotations as albAnnotations, labels as albLabels, type Alb2 } from '@alb/crd-types';
import type { Logger } from 'pino';
import type { ResolvedAlb } from '../config/resolve-alb.ts';
import { KubeApiError, operatorCodes } from '../errors.ts';
import type { KubeApi } from '../kube/kube-api.ts';
import { objectKey, type KubeObject } from '../kube/kube-object.ts';
import type { ObjectCache } from '../kube/object-cache.ts';
import { objectPath, resources, type ResourceKind } from '../kube/resources.ts';
import type { OperatorMetrics } from '../ops/operator-metrics.ts';
import type { AlbMetadata } from '../render/alb-metadata.ts';
import { imageVersion } from '../render/image-version.ts';
import { ownerKey } from '../render/operator-labels.ts';
import { childNames, cleanupFinalizer } from '../render/render-context.ts';
import { loadBalancerAddresses, nodeAddresses, type NodeView } from '../status/addresses.ts';
import { computeStatus, conditionTypes, statusUpToDate, type Problem } from '../status/alb-status.ts';
import { albMetadataUpToDate } from '../sync/alb-metadata-sync.ts';
import { upToDate } from '../sync/up-to-date.ts';
import { deploymentView, loadBalancerIngress, nodeView, podView } from './observed-views.ts';
import { planAlb } from './plan-alb.ts';
import { RecentWrites } from './recent-writes.ts';

/** The kinds of children, each with the cache that holds the operator's own objects of that kind. */
export const childKinds = [
  'ServiceAccount',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Service',
  'Deployment',
  'IngressClass',
] as const satisfies readonly ResourceKind[];

export type ChildKind = (typeof childKinds)[number];

export type Caches = {
  alb2: ObjectCache;
  frontends: ObjectCache;
  pods: ObjectCache;
  nodes: ObjectCache;
} & Record<ChildKind, ObjectCache>;

export type ReconcilerOptions = {
  api: KubeApi;
  caches: Caches;
  /** The operator's `--image`. */
  image: string;
  /** The operator's version (`overwrite.image[].target` matches it). */
  version: string;
  domain: string;
  fieldManager: string;
  now: () => Date;
  logger: Logger;
  metrics: OperatorMetrics;
};

const albApiVersion = 'crd.alauda.io/v2beta1';

export class Reconciler {
  private readonly o: ReconcilerOptions;
  /** Objects we just wrote, newer than the caches until their watch event arrives. */
  readonly recent = new RecentWrites();

  constructor(options: ReconcilerOptions) {
    this.o = options;
  }

  /** Reconciles the ALB2 `namespace/name`. Throws to be retried (with backoff) on errors worth retrying. */
  async reconcile(key: string, signal: AbortSignal): Promise<void> {
    const [namespace, name] = splitKey(key);
    const alb = this.current('ALB2', name, namespace);
    if (alb === undefined) {
      await this.deleteClusterChildren(key, name, namespace, signal);
      return;
    }
    if (alb.metadata.annotations?.[albAnnotations(this.o.domain).ignoreMe] === 'true') return;
    if (alb.metadata.deletionTimestamp !== undefined) {
      await this.finalize(alb, key, signal);
      return;
    }
    const plan = planAlb(alb, this.frontendsOf(name, namespace), {
      image: this.o.image,
      version: this.o.version,
      domain: this.o.domain,
    });
    if (!plan.ok) {
      this.o.metrics.reconciles.invalid++;
      await this.writeStatus(alb, null, plan.problem, null, signal);
      return;
    }
    const resolved = plan.alb;
    // The finalizer first: a cluster-scoped child must never exist without it.
    await this.applyAlbMetadata(alb, resolved, plan.metadata, signal);
    const desired = plan.children;
    let applyProblem: Problem | null = null;
    for (const child of desired) {
      const problem = await this.applyChild(child, key, signal);
      applyProblem ??= problem;
    }
    await this.deleteStale(key, resolved, desired, signal);
    await this.writeStatus(alb, resolved, null, applyProblem, signal);
    this.o.metrics.reconciles.ok++;
  }

  /** The object as we know it best: our own last write if its watch event has not arrived yet, else the cache's. */
  private current(kind: ResourceKind, name: string, namespace?: string): KubeObject | undefined {
    const cache = this.cacheOf(kind);
    const path = objectPath(kind, name, namespace);
    return this.recent.get(path) ?? cache.get(name, namespace);
  }

  private cacheOf(kind: ResourceKind): ObjectCache {
    if (kind === 'ALB2') return this.o.caches.alb2;
    if ((childKinds as readonly string[]).includes(kind)) return this.o.caches[kind as ChildKind];
    throw new Error(`no cache for ${kind}`);
  }

  private frontendsOf(name: string, namespace: string): Array<{ port: number; protocol: string }> {
    const label = albLabels(this.o.domain).name;
    return this.o.caches.frontends
      .list(namespace)
      .filter((f) => f.metadata.labels?.[label] === name)
      .flatMap((f) => {
        const spec = (f.spec ?? {}) as { port?: unknown; protocol?: unknown };
        return typeof spec.port === 'number'
          ? [{ port: spec.port, protocol: typeof spec.protocol === 'string' ? spec.protocol : 'tcp' }]
          : [];
      });
  }

  private async applyAlbMetadata(
    alb: KubeObject,
    resolved: ResolvedAlb,
    metadata: AlbMetadata,
    signal: AbortSignal,
  ): Promise<void> {
    if (albMetadataUpToDate(metadata, alb, this.o.fieldManager)) return;
    const path = objectPath('ALB2', resolved.name, resolved.namespace);
    const body: KubeObject = {
      apiVersion: albApiVersion,
      kind: 'ALB2',
      metadata: { name: resolved.name, namespace: resolved.namespace, ...metadata },
    };
    this.recent.set(path, await this.o.api.apply(path, body, this.o.fieldManager, signal));
  }

  /** Applies one child unless it is up to date; a refusal that retrying cannot fix comes back as a problem. */
  private async applyChild(child: KubeObject, key: string, signal: AbortSignal): Promise<Problem | null> {
    const kind = child.kind as ChildKind;
    const { name, namespace } = child.metadata;
    const path = objectPath(kind, name, namespace);
    let observed = this.current(kind, name, namespace);
    if (observed === undefined) {
      // Not among ours: it may be someone else's object of that name, which we must not take over.
      const existing = await this.o.api.get(path, signal);
      if (existing !== null && ownerKey(existing.metadata.labels) !== key) {
        const owner = ownerKey(existing.metadata.labels);
        return {
          code: operatorCodes.nameTaken,
          message:
            `${kind} ${namespace ? `${namespace}/` : ''}${name} already exists and belongs to ` +
            `${owner === null ? 'something else' : `ALB2 ${owner}`}; rename or delete it`,
        };
      }
      observed = existing ?? undefined;
    }
    if (upToDate(child, observed)) return null;
    try {
      this.recent.set(path, await this.o.api.apply(path, child, this.o.fieldManager, signal));
      this.o.logger.info({ alb: key, kind, name }, observed === undefined ? 'created' : 'updated');
      return null;
    } catch (error) {
      if (error instanceof KubeApiError && error.permanent)
        return { code: operatorCodes.applyRefused, message: `${kind} ${name} was refused: ${error.message}` };
      throw error;
    }
  }

  /** Children labelled for this ALB2 that it no longer needs (a Service after a mode change, an IngressClass...). */
  private async deleteStale(key: string, alb: ResolvedAlb, desired: KubeObject[], signal: AbortSignal) {
    const wanted = new Set(desired.map((d) => `${d.kind}/${d.metadata.name}`));
    for (const kind of childKinds) {
      const cache = this.o.caches[kind];
      const candidates = resources[kind].namespaced ? cache.list(alb.namespace) : cache.list();
      for (const object of candidates) {
        if (ownerKey(object.metadata.labels) !== key || wanted.has(`${kind}/${object.metadata.name}`)) continue;
        await this.o.api.delete(objectPath(kind, object.metadata.name, object.metadata.namespace), signal);
        this.o.logger.info({ alb: key, kind, name: object.metadata.name }, 'deleted (no longer needed)');
      }
    }
  }

  /** The ALB2 is being deleted: remove what garbage collection cannot (cluster-scoped), then our finalizer. */
  private async finalize(alb: KubeObject, key: string, signal: AbortSignal): Promise<void> {
    const { name, namespace } = alb.metadata;
    await this.deleteClusterChildren(key, name, namespace!, signal);
    if (!(alb.metadata.finalizers ?? []).includes(cleanupFinalizer)) return;
    const path = objectPath('ALB2', name, namespace);
    // Applying without the finalizer (and labels) releases what we own on the ALB2; other finalizers stay.
    const body: KubeObject = { apiVersion: albApiVersion, kind: 'ALB2', metadata: { name, namespace } };
    try {
      await this.o.api.apply(path, body, this.o.fieldManager, signal);
    } catch (error) {
      if (!(error instanceof KubeApiError && error.status === 404)) throw error;
    }
    this.o.logger.info({ alb: key }, 'cluster-scoped children deleted; finalizer removed');
  }

  private async deleteClusterChildren(key: string, name: string, namespace: string, signal: AbortSignal) {
    const known: Array<[ChildKind, string]> = [
      ['ClusterRoleBinding', childNames.clusterRoleBinding(name, namespace)],
      ['IngressClass', childNames.ingressClass(name)],
    ];
    for (const [kind, childName] of known) {
      const labelled = this.o.caches[kind].list().filter((o) => ownerKey(o.metadata.labels) === key);
      const names = new Set([childName, ...labelled.map((o) => o.metadata.name)]);
      for (const candidate of names) {
        const path = objectPath(kind, candidate);
        const object = this.current(kind, candidate) ?? (await this.o.api.get(path, signal)) ?? undefined;
        if (object === undefined || ownerKey(object.metadata.labels) !== key) continue;
        await this.o.api.delete(path, signal);
        this.recent.forget(path);
        this.o.logger.info({ alb: key, kind, name: candidate }, 'deleted');
      }
    }
  }

  /** Computes the status from the caches and writes it if it differs; a new problem also gets a Warning Event. */
  private async writeStatus(
    alb: KubeObject,
    resolved: ResolvedAlb | null,
    invalid: Problem | null,
    applyProblem: Problem | null,
    signal: AbortSignal,
  ): Promise<void> {
    const { name, namespace } = alb.metadata;
    const previous = (alb as Alb2).status;
    let addresses = { ok: false, msg: '', ipv4: [] as string[], ipv6: [] as string[], host: [] as string[] };
    let deployment = null;
    let waitsForLoadBalancer = false;
    if (resolved !== null) {
      deployment = deploymentView(this.current('Deployment', childNames.deployment(name), namespace));
      waitsForLoadBalancer = resolved.networkMode === 'container' && resolved.loadBalancer;
      if (waitsForLoadBalancer) {
        const service = this.current('Service', childNames.lbService(name), namespace);
        addresses = loadBalancerAddresses(loadBalancerIngress(service));
      } else {
        const pods = this.o.caches.pods
          .list(namespace)
          .filter((p) => ownerKey(p.metadata.labels) === `${namespace}/${name}`)
          .map(podView);
        const nodes = new Map<string, NodeView>();
        for (const pod of pods) {
          const node = pod.nodeName === undefined ? undefined : this.o.caches.nodes.get(pod.nodeName);
          if (node !== undefined) nodes.set(node.metadata.name, nodeView(node));
        }
        addresses = nodeAddresses(pods, nodes);
      }
    }
    const status = computeStatus({
      generation: alb.metadata.generation ?? 0,
      previous,
      now: this.o.now(),
      invalid,
      applyProblem,
      deployment,
      addresses,
      waitsForLoadBalancer,
      version: {
        version: resolved === null ? '' : imageVersion(resolved.image),
        imagePatch: resolved?.imagePatch ?? null,
      },
    });
    if (statusUpToDate(status, previous)) return;
    const path = `${objectPath('ALB2', name, namespace)}/status`;
    const body: KubeObject = { apiVersion: albApiVersion, kind: 'ALB2', metadata: { name, namespace }, status };
    this.recent.set(
      objectPath('ALB2', name, namespace),
      await this.o.api.apply(path, body, this.o.fieldManager, signal),
    );

    const degraded = status.conditions?.find((c) => c.type === conditionTypes.degraded);
    const before = previous?.conditions?.find((c) => c.type === conditionTypes.degraded);
    if (degraded?.status === 'True' && (before?.status !== 'True' || before.message !== degraded.message)) {
      this.o.logger.warn({ alb: objectKey(alb), reason: degraded.reason }, degraded.message);
      await this.warningEvent(alb, degraded.reason, degraded.message, signal);
    }
  }

  private async warningEvent(alb: KubeObject, reason: string, message: string, signal: AbortSignal): Promise<void> {
    const now = this.o.now().toISOString();
    const namespace = alb.metadata.namespace!;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${alb.metadata.name}.`, namespace },
      involvedObject: {
        apiVersion: albApiVersion,
        kind: 'ALB2',
        name: alb.metadata.name,
        namespace,
        uid: alb.metadata.uid,
        resourceVersion: alb.metadata.resourceVersion,
      },
      reason,
      message: message.slice(0, 1024),
      type: 'Warning',
      source: { component: this.o.fieldManager },
      reportingComponent: this.o.fieldManager,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.o.api.create(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, event, signal);
    } catch (error) {
      // An Event is a courtesy: its loss must not fail the reconcile (the condition says the same).
      this.o.logger.warn({ err: error, alb: objectKey(alb) }, 'could not record a Warning Event');
    }
  }
}

export function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
