import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { createElector, KubeLeaseStore, type Elector } from '@alb/leader';
import { createDataPlane, type DataPlane } from '@alb/proxy-core';
import type { Logger } from 'pino';
import type { InstanceOptions } from './cli-options.ts';
import { diagnosticCodes, formatDiagnostic, type Diagnostic } from './diagnostics.ts';
import { InstanceMetrics } from './instance-metrics.ts';
import { ObjectStore } from './objects/object-store.ts';
import { exposedGc, MemoryTrimmer } from './ops/memory-trim.ts';
import { startOpsServer } from './ops/ops-server.ts';
import { systemClock } from './pipeline/clock.ts';
import { newDiagnostics, RebuildLoop, type RebuildOutcome } from './pipeline/rebuild-loop.ts';
import { translateSnapshot, withTranslated } from './ingress/translate-snapshot.ts';
import { buildPolicy, type BuildResult } from './policy/build-policy.ts';
import { KubeClient } from './kube/kube-client.ts';
import { IngressSync } from './kube/ingress-sync.ts';
import { KubeSource } from './kube/kube-source.ts';
import { StatusWriter } from './kube/status-writer.ts';
import { FileSource } from './sources/file-source.ts';
import type { ManifestProblem } from './sources/parse-manifest.ts';

export type Instance = {
  readonly dataPlane: DataPlane;
  readonly loop: RebuildLoop;
  readonly store: ObjectStore;
  /** Stops accepting, drains in-flight requests, stops everything. */
  shutdown(): Promise<void>;
};

/**
 * Wires an instance: source -> store -> rebuild loop (build, hash, apply) -> data plane, and the ops port.
 * `main.ts` owns the process (arguments, signals, exit code); this owns the parts.
 */
export async function startInstance(options: InstanceOptions, logger: Logger, workerEntry?: string): Promise<Instance> {
  const store = new ObjectStore();
  const metrics = new InstanceMetrics();
  const dataPlane = createDataPlane({
    workers: options.workers,
    bind: options.bind,
    drainTimeoutMs: options.drainTimeoutMs,
    logger: logger.child({ component: 'data-plane' }),
    accessLog: options.accessLog ? logger.child({ component: 'access' }) : null,
    ...(workerEntry === undefined ? {} : { workerEntry }),
  });
  let ready = false;
  let shuttingDown = false;
  let seen = new Set<string>();
  const manifestProblems = new Map<string, ManifestProblem[]>();
  const pipelineLog = logger.child({ component: 'pipeline' });
  const trimmer = new MemoryTrimmer({
    clock: systemClock,
    gc: exposedGc(),
    onTrim: ({ rssBefore, rssAfter, ms }) => {
      metrics.memoryTrims++;
      pipelineLog.debug({ rssBefore, rssAfter, ms }, 'memory given back after config changes settled');
    },
  });

  let statusWriter: StatusWriter | null = null;
  let ingressSync: IngressSync | null = null;
  let elector: Elector | null = null;
  const onOutcome = (outcome: RebuildOutcome) => {
    // Every instance builds and serves; only the leader writes to the cluster.
    if (elector?.isLeader()) statusWriter?.update(outcome.build.issuesByObject, (key) => store.get(key));
    metrics.rebuilds = loop.rebuilds;
    metrics.objects = store.size;
    const diagnostics = [
      ...outcome.build.diagnostics,
      ...dataPlaneDiagnostics(outcome),
      ...manifestDiagnostics(manifestProblems),
    ];
    metrics.diagnostics = {
      error: diagnostics.filter((d) => d.severity === 'error').length,
      warning: diagnostics.filter((d) => d.severity === 'warning').length,
    };
    const { fresh, seen: now } = newDiagnostics(seen, diagnostics, formatDiagnostic);
    seen = now;
    for (const d of fresh)
      pipelineLog[d.severity === 'error' ? 'error' : 'warn'](
        { object: d.object, field: d.field, code: d.code },
        formatDiagnostic(d),
      );
    if (outcome.error !== null) {
      metrics.applyErrors++;
      pipelineLog.error({ err: outcome.error }, 'the data plane refused the config; the previous one keeps serving');
      return;
    }
    if (outcome.applied === null) return;
    metrics.applies++;
    metrics.lastApplySeconds = Date.now() / 1000;
    metrics.rules = outcome.build.config.listeners.reduce((n, l) => n + l.rules.length, 0);
    pipelineLog.info(
      {
        alb: outcome.build.albName,
        ports: outcome.applied.listening,
        rules: metrics.rules,
        hash: outcome.hash.slice(0, 12),
      },
      'config applied',
    );
    ready = true;
    trimmer.noteApply();
  };

  const loop = new RebuildLoop({
    snapshot: () => store.snapshot(),
    build: (snapshot) => buildFromSnapshot(snapshot, options),
    apply: (config) => dataPlane.apply(config),
    onOutcome,
    clock: systemClock,
  });

  let source: { stop(): void } | null = null;
  if (options.source === 'file') {
    const files = new FileSource({
      dir: options.dir!,
      store,
      onChange: () => loop.markDirty(),
      onProblems: (file, problems) => {
        if (problems.length === 0) manifestProblems.delete(file);
        else manifestProblems.set(file, problems);
        loop.markDirty();
      },
    });
    source = files;
    await files.start();
  } else {
    const client = KubeClient.load(options.kubeconfig);
    statusWriter = new StatusWriter(client, logger.child({ component: 'status' }));
    ingressSync = new IngressSync(client, store, logger.child({ component: 'ingress' }), {
      alb: options.alb!,
      namespace: options.namespace!,
      domain: options.domain,
      clock: systemClock,
    });
    const onChange = () => {
      loop.markDirty();
      ingressSync?.markDirty();
    };
    const kube = new KubeSource(client, store, onChange, logger.child({ component: 'kube-source' }), {
      alb: options.alb!,
      namespace: options.namespace!,
      domain: options.domain,
    });
    source = kube;
    // No config before every kind is listed once: a partial view would drop routes that exist.
    await kube.start();
    // One leader per ALB (Lease named after it) writes status and Events; the others only serve.
    const identity = `${options.namespace}/${options.alb}/${process.env.POD_NAME ?? hostname()}-${process.pid}`;
    const leaderLog = logger.child({ component: 'leader' });
    elector = createElector({
      store: new KubeLeaseStore(client, options.namespace!, options.alb!),
      identity,
      logger: {
        info: (fields, message) => leaderLog.info(fields, message),
        warn: (fields, message) => leaderLog.warn(fields, message),
        error: (fields, message) => leaderLog.error(fields, message),
      },
      ...options.leaderTimings,
      onStartedLeading: (signal) => {
        metrics.leader = 1;
        leaderLog.info({ identity }, 'leading: this instance translates Ingresses and writes status');
        loop.markDirty();
        ingressSync?.lead(signal);
      },
      onStoppedLeading: async () => {
        ingressSync?.stop();
        // Let a write in flight finish before another instance may take over.
        await ingressSync?.whenIdle();
        metrics.leader = 0;
        leaderLog.info({ identity }, 'no longer leading');
      },
    });
    void elector.run().catch((error: Error) => leaderLog.error({ err: error }, 'leader election stopped'));
  }
  await loop.rebuild();

  let ops: Server | null = null;
  if (options.opsPort !== 0) {
    ops = await startOpsServer(options.opsPort, options.opsBind, {
      ready: () => ready && !shuttingDown,
      metrics: async () => (await dataPlane.metrics()) + metrics.render(),
    });
  }

  return {
    dataPlane,
    loop,
    store,
    async shutdown() {
      shuttingDown = true;
      await elector?.stop();
      ingressSync?.stop();
      trimmer.stop();
      source?.stop();
      loop.stop();
      await dataPlane.close(options.drainTimeoutMs);
      await new Promise<void>((resolve) => (ops === null ? resolve() : ops.close(() => resolve())));
    },
  };
}

function dataPlaneDiagnostics(outcome: RebuildOutcome): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of outcome.applied?.issues ?? []) {
    out.push({
      object: { kind: 'Rule', name: issue.rule },
      severity: 'error',
      code: diagnosticCodes.dataPlane,
      field: issue.field,
      message: `port ${issue.port}: ${issue.message}; the rule is not served`,
    });
  }
  for (const failure of outcome.applied?.failed ?? []) {
    out.push({
      object: { kind: 'Frontend', name: `port ${failure.port}` },
      severity: 'error',
      code: diagnosticCodes.listen,
      field: 'spec.port',
      message: `cannot listen on port ${failure.port}: ${failure.error}`,
    });
  }
  return out;
}

function manifestDiagnostics(problems: ReadonlyMap<string, ManifestProblem[]>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const list of problems.values()) {
    for (const p of list) {
      const where =
        p.document === undefined ? '' : `document ${p.document}${p.line === undefined ? '' : `, line ${p.line}`}`;
      out.push({
        object: { kind: p.kind ?? 'file', name: p.name ?? p.file, file: p.file },
        severity: 'error',
        code: diagnosticCodes.manifest,
        field: where,
        message: p.message,
      });
    }
  }
  return out;
}

/**
 * File mode translates Ingresses in memory (as if the translated Frontends and Rules had been written); in kube
 * mode the leader writes them to the cluster and every instance reads them back like any other Rule.
 */
function buildFromSnapshot(snapshot: ReturnType<ObjectStore['snapshot']>, options: InstanceOptions): BuildResult {
  const buildOptions = { albName: options.alb, domain: options.domain, trustedProxies: options.trustedProxies };
  // Nothing was written in file mode, so with no Ingress there is nothing to translate (or to clear).
  if (options.source !== 'file' || (snapshot.get('Ingress') ?? []).length === 0)
    return buildPolicy(snapshot, buildOptions);
  const translation = translateSnapshot(snapshot, options.alb, options.domain);
  const result = buildPolicy(
    translation.output === null ? snapshot : withTranslated(snapshot, translation.output),
    buildOptions,
  );
  result.diagnostics.push(...translation.diagnostics);
  return result;
}
