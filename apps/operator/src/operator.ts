// Wiring: caches of what the operator watches, a work queue of ALB2 keys, the reconciler, leader election (only
// the leader reconciles; every replica keeps its caches warm so a new leader starts at once) and the ops port.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { labels as albLabels } from '@alb/crd-types';
import { createElector, KubeLeaseStore, systemClock, type Elector } from '@alb/leader';
import type { Logger } from 'pino';
import type { OperatorOptions } from './cli-options.ts';
import { KubeApi } from './kube/kube-api.ts';
import { objectKey, type KubeObject } from './kube/kube-object.ts';
import { ObjectCache, type CacheEvent } from './kube/object-cache.ts';
import { collectionPath, objectPath, resources, type ResourceKind } from './kube/resources.ts';
import { OperatorMetrics } from './ops/operator-metrics.ts';
import { startOpsServer } from './ops/ops-server.ts';
import { WorkQueue } from './queue/work-queue.ts';
import { childKinds, Reconciler, type Caches } from './reconcile/reconciler.ts';
import { managedSelector, ownerKey } from './render/operator-labels.ts';
import { operatorVersion } from './version.ts';

export type Operator = {
  metrics: OperatorMetrics;
  /** Stops reconciling, releases the Lease (a standby takes over at once), closes watches and the ops port. */
  shutdown(): Promise<void>;
};

/** Everything is level-triggered; this periodic pass only heals a missed event (it writes nothing if all is right). */
const resyncPeriodMs = 10 * 60_000;

const fieldManager = 'alb-operator';

export async function startOperator(options: OperatorOptions, logger: Logger): Promise<Operator> {
  const metrics = new OperatorMetrics();
  const api = KubeApi.load(options.kubeconfig, (method) => metrics.countWrite(method));
  let leading = false;

  const enqueue = (key: string | null) => {
    if (key !== null && leading) queue.add(key);
  };
  const route = (kind: ResourceKind) => (event: CacheEvent, object: KubeObject) => {
    if (kind !== 'Pod' && kind !== 'Node' && kind !== 'Frontend')
      reconciler.recent.forget(objectPath(kind, object.metadata.name, object.metadata.namespace));
    if (kind === 'ALB2') return enqueue(objectKey(object));
    if (kind === 'Frontend') {
      const alb = object.metadata.labels?.[albLabels(options.domain).name];
      return enqueue(alb ? `${object.metadata.namespace}/${alb}` : null);
    }
    if (kind === 'Node') {
      for (const pod of caches.pods.list()) {
        if ((pod.spec as { nodeName?: string } | undefined)?.nodeName === object.metadata.name)
          enqueue(ownerKey(pod.metadata.labels));
      }
      return;
    }
    // A child gone while its ALB2 lives is recreated; an event of ours (labels) finds its ALB2.
    void event;
    enqueue(ownerKey(object.metadata.labels));
  };
  const cache = (kind: ResourceKind, labelSelector?: string) =>
    new ObjectCache({
      api,
      name: resources[kind].plural,
      path: collectionPath(kind, resources[kind].namespaced ? options.namespace : undefined),
      ...(labelSelector !== undefined && { labelSelector }),
      logger: logger.child({ component: 'cache' }),
      onEvent: route(kind),
    });
  const caches = {
    alb2: cache('ALB2'),
    frontends: cache('Frontend'),
    pods: cache('Pod', managedSelector),
    nodes: cache('Node'),
    ...Object.fromEntries(childKinds.map((kind) => [kind, cache(kind, managedSelector)])),
  } as Caches;
  const all = Object.values(caches);

  const reconciler = new Reconciler({
    api,
    caches,
    image: options.image,
    version: operatorVersion,
    domain: options.domain,
    fieldManager,
    now: () => new Date(),
    logger: logger.child({ component: 'reconciler' }),
    metrics,
  });
  const queue = new WorkQueue({
    concurrency: options.workers,
    clock: systemClock,
    handler: (key, signal) => reconciler.reconcile(key, signal),
    onError: (key, error, retryInMs) => {
      metrics.reconciles.error++;
      logger.warn({ err: error, alb: key, retryInMs }, 'reconcile failed; will retry');
    },
  });
  metrics.queueDepth = () => queue.depth();
  metrics.albs = () => caches.alb2.list().length;

  const enqueueAll = () => {
    for (const alb of caches.alb2.list()) enqueue(objectKey(alb));
    // Cluster-scoped children of ALB2s deleted while no operator ran (their finalizer was forced away).
    for (const object of [...caches.ClusterRoleBinding.list(), ...caches.IngressClass.list()])
      enqueue(ownerKey(object.metadata.labels));
  };
  const startLeading = () => {
    leading = true;
    metrics.leader = 1;
    queue.start();
    enqueueAll();
    logger.info('leading: reconciling every ALB2');
  };
  const stopLeading = async () => {
    leading = false;
    metrics.leader = 0;
    await queue.stop();
    reconciler.recent.clear();
    logger.info('no longer leading: reconciling stopped');
  };

  let ops: Server | null = null;
  if (options.opsPort !== 0) {
    ops = await startOpsServer(options.opsPort, options.opsBind, {
      ready: () => all.every((c) => c.synced()),
      metrics: () => metrics.render(),
    });
  }
  await Promise.all(all.map((c) => c.start()));
  logger.info({ synced: all.every((c) => c.synced()), albs: caches.alb2.list().length }, 'caches started');

  let elector: Elector | null = null;
  if (options.leaderElect) {
    const namespace = options.leaderElectionNamespace ?? leaseNamespace();
    const identity = `${process.env.POD_NAME ?? hostname()}_${randomUUID().slice(0, 8)}`;
    // The Lease's own client: its renewals are not ALB writes (alb_operator_api_writes_total).
    const leaseApi = new KubeApi(api.config);
    elector = createElector({
      store: new KubeLeaseStore(leaseApi, namespace, options.leaderElectionId),
      identity,
      ...options.leaderTimings,
      logger: logger.child({ component: 'leader', lease: `${namespace}/${options.leaderElectionId}` }),
      onStartedLeading: startLeading,
      onStoppedLeading: stopLeading,
    });
    void elector.run();
  } else {
    startLeading();
  }
  const resync = setInterval(() => enqueueAll(), resyncPeriodMs);
  resync.unref();

  return {
    metrics,
    async shutdown() {
      clearInterval(resync);
      if (elector !== null) await elector.stop();
      else await stopLeading();
      await Promise.all(all.map((c) => c.stop()));
      if (ops !== null) await new Promise<void>((resolve) => ops.close(() => resolve()));
    },
  };
}

/** $POD_NAMESPACE, else the namespace of the pod's service account, else `alb-system` (deploy/'s). */
function leaseNamespace(): string {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim();
  } catch {
    return 'alb-system';
  }
}
