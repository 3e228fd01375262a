import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { createElector, KubeLeaseStore, type Elector } from '@alb/leader';
import { createDataPlane, exposedGc, MemoryTrimmer, type ApplyResult, type DataPlane } from '@alb/proxy-core';
import type { Logger } from 'pino';
import type { InstanceOptions } from './cli-options.ts';
import { dataPlaneDiagnostics, withDataPlaneIssues } from './data-plane-issues.ts';
import { diagnosticCodes, formatDiagnostic, type Diagnostic } from './diagnostics.ts';
import { InstanceMetrics } from './instance-metrics.ts';
import { ObjectStore } from './objects/object-store.ts';
import { startOpsServer } from './ops/ops-server.ts';
import { systemClock } from './pipeline/clock.ts';
import { newDiagnostics, RebuildLoop, type RebuildOutcome } from './pipeline/rebuild-loop.ts';
import { translateSnapshot, withTranslated } from './ingress/translate-snapshot.ts';
import { LastGoodCertificates } from './policy/certificates.ts';
import { buildPolicy, type BuildResult } from './policy/build-policy.ts';
import { KubeClient } from './kube/kube-client.ts';
import { IngressSync } from './kube/ingress-sync.ts';
import { AuthSecretSource } from './kube/auth-secrets.ts';
import { KubeSource } from './kube/kube-source.ts';
import { StatusWriter } from './kube/status-writer.ts';
import { FileSource } from './sources/file-source.ts';
import type { ManifestProblem } from './sources/parse-manifest.ts';

export type Instance = {
  readonly dataPlane: DataPlane;
  readonly loop: RebuildLoop;
  readonly store: ObjectStore;
  /** Why the instance is not ready (what /readyz says); empty when ready. */
  notReady(): string[];
  /** SIGHUP: reads the sources again (file mode: every file, changed or not) and re-applies the config. */
  reload(): Promise<{ files: number | null }>;
  /** Stops accepting, drains in-flight requests, stops everything. */
  shutdown(): Promise<void>;
};

/** The start was called off (`signal` aborted) before it completed; everything opened was closed. */
export class StartAborted extends Error {
  constructor() {
    super('stopped before the start completed');
  }
}

/**
 * Wires an instance: the ops port first (a taken port fails the start before anything else opens), then
 * source -> store -> rebuild loop (build, hash, apply) -> data plane. Nothing is built before the source has
 * loaded everything once. A start that fails or is aborted closes what it opened. `main.ts` owns the process
 * (arguments, signals, exit code); this owns the parts.
 */
export async function startInstance(
  options: InstanceOptions,
  logger: Logger,
  workerEntry?: string,
  signal?: AbortSignal,
): Promise<Instance> {
  const store = new ObjectStore();
  const metrics = new InstanceMetrics();
  const pipelineLog = logger.child({ component: 'pipeline' });
  let configApplied = false;
  let shuttingDown = false;
  let current: ApplyResult | null = null;
  let seen = new Set<string>();
  const manifestProblems = new Map<string, ManifestProblem[]>();
  let files: FileSource | null = null;
  let source: { stop(): void } | null = null;
  /** Kube mode: the basic-auth Secrets Rules name, followed by name (refreshed on every rebuild). */
  let authSecrets: AuthSecretSource | null = null;
  let statusWriter: StatusWriter | null = null;
  let ingressSync: IngressSync | null = null;
  let elector: Elector | null = null;
  let dataPlane: DataPlane | null = null;
  let ops: Server | null = null;

  const notReady = (): string[] => {
    const reasons: string[] = [];
    if (shuttingDown) reasons.push('shutting down');
    if (!configApplied) reasons.push('no config applied yet');
    for (const [path, message] of files?.failures ?? []) reasons.push(`cannot read ${path}: ${message}`);
    for (const failure of current?.failed ?? [])
      reasons.push(`port ${failure.port}: cannot listen (${failure.error}); retrying`);
    return reasons;
  };

  const trimmer = new MemoryTrimmer({
    clock: systemClock,
    gc: exposedGc(),
    burstBudgetBytes: options.burstMemoryBudgetBytes,
    onTrim: ({ rssBefore, rssAfter, ms, during }) => {
      metrics.memoryTrims++;
      pipelineLog.debug(
        { rssBefore, rssAfter, ms },
        during === 'quiet'
          ? 'memory given back after config changes settled'
          : 'memory given back during a burst of changes',
      );
    },
    onError: (error) => {
      metrics.housekeepingErrors++;
      pipelineLog.warn({ err: error }, 'memory trim failed (counted in alb_housekeeping_errors_total)');
    },
  });

  const onOutcome = (outcome: RebuildOutcome) => {
    current = outcome.current;
    // Every instance builds and serves; only the leader writes to the cluster.
    if (elector?.isLeader())
      statusWriter?.update(withDataPlaneIssues(outcome.build, outcome.current), (key) => store.get(key));
    metrics.rebuilds = loop.rebuilds;
    metrics.objects = store.size;
    const diagnostics = [
      ...outcome.build.diagnostics,
      ...dataPlaneDiagnostics(outcome.build, outcome.current),
      ...manifestDiagnostics(manifestProblems),
      ...sourceDiagnostics(files?.failures ?? new Map()),
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
      pipelineLog.error(
        { err: outcome.error },
        'the data plane refused the config; the previous one keeps serving (retried)',
      );
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
    configApplied = true;
    trimmer.noteApply();
  };

  // A TLS Secret's last servable revision, so a bad update keeps the previous certificate serving.
  const lastGoodCertificates = new LastGoodCertificates();
  const loop = new RebuildLoop({
    snapshot: () => store.snapshot(),
    build: (snapshot) => {
      void authSecrets?.sync(snapshot);
      return buildFromSnapshot(snapshot, options, lastGoodCertificates);
    },
    apply: (config) => dataPlane!.apply(config),
    onOutcome,
    onError: (error) => {
      metrics.rebuildErrors++;
      pipelineLog.error(
        { err: error, code: diagnosticCodes.rebuild },
        `the config could not be rebuilt; the last good config keeps serving (retried on the next change) [${diagnosticCodes.rebuild}]`,
      );
    },
    clock: systemClock,
  });

  const closeAll = async (drainMs: number) => {
    await elector?.stop();
    ingressSync?.stop();
    statusWriter?.stop();
    trimmer.stop();
    source?.stop();
    loop.stop();
    await dataPlane?.close(drainMs);
    const server = ops;
    if (server !== null) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };

  const abort = () => source?.stop();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    if (options.opsPort !== 0) {
      ops = await startOpsServer(options.opsPort, options.opsBind, {
        notReady,
        metrics: async () => {
          metrics.ready = notReady().length === 0 ? 1 : 0;
          metrics.sourceFailures = files?.failures.size ?? 0;
          metrics.listenFailures = current?.failed.length ?? 0;
          return (await dataPlane!.metrics()) + metrics.render();
        },
      });
    }
    dataPlane = createDataPlane({
      workers: options.workers,
      bind: options.bind,
      drainTimeoutMs: options.drainTimeoutMs,
      maxConnections: options.maxConnections,
      burstMemoryBudgetBytes: options.burstMemoryBudgetBytes,
      logger: logger.child({ component: 'data-plane' }),
      accessLog: options.accessLog ? logger.child({ component: 'access' }) : null,
      ...(workerEntry === undefined ? {} : { workerEntry }),
    });

    if (options.source === 'file') {
      const sourceLog = logger.child({ component: 'file-source' });
      files = new FileSource({
        dir: options.dir!,
        store,
        onChange: () => loop.markDirty(),
        onProblems: (file, problems) => {
          if (problems.length === 0) manifestProblems.delete(file);
          else manifestProblems.set(file, problems);
        },
        onWarning: (message) => sourceLog.warn(message),
      });
      source = files;
      if (signal?.aborted) throw new StartAborted();
      sourceLog.info({ dir: options.dir }, 'reading the directory');
      const started = Date.now();
      await files.start();
      if (signal?.aborted) throw new StartAborted();
      sourceLog.info(
        { dir: options.dir, objects: store.size, failures: files.failures.size, ms: Date.now() - started },
        'directory read',
      );
    } else {
      const client = KubeClient.load(options.kubeconfig);
      statusWriter = new StatusWriter(client, logger.child({ component: 'status' }), {
        isLeader: () => elector?.isLeader() === true,
      });
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
      const secrets = new AuthSecretSource(client, store, onChange, logger.child({ component: 'auth-secrets' }));
      authSecrets = secrets;
      source = {
        stop: () => {
          kube.stop();
          secrets.stop();
        },
      };
      // No config before every kind is listed once: a partial view would drop routes that exist.
      await untilAborted(kube.start(), signal);
      if (signal?.aborted) throw new StartAborted();
      // Nor before the Secrets basic auth needs: their routes would answer 503 for a moment.
      await untilAborted(secrets.sync(store.snapshot()), signal);
      if (signal?.aborted) throw new StartAborted();
      // One leader per ALB (Lease named after it) writes status and Events; the others only serve.
      const identity = `${options.namespace}/${options.alb}/${process.env.POD_NAME ?? hostname()}-${process.pid}`;
      const leaderLog = logger.child({ component: 'leader' });
      const writer = statusWriter;
      elector = createElector({
        store: new KubeLeaseStore(client, options.namespace!, options.alb!),
        identity,
        logger: {
          info: (fields, message) => leaderLog.info(fields, message),
          warn: (fields, message) => leaderLog.warn(fields, message),
          error: (fields, message) => leaderLog.error(fields, message),
        },
        ...options.leaderTimings,
        onStartedLeading: (leading) => {
          metrics.leader = 1;
          leaderLog.info({ identity }, 'leading: this instance translates Ingresses and writes status');
          writer.lead();
          loop.markDirty();
          ingressSync?.lead(leading);
        },
        onStoppedLeading: async () => {
          ingressSync?.stop();
          writer.stop();
          // Let a write in flight finish before another instance may take over.
          await Promise.all([ingressSync?.whenIdle(), writer.idle()]);
          metrics.leader = 0;
          leaderLog.info({ identity }, 'no longer leading');
        },
      });
      void elector.run().catch((error: Error) => leaderLog.error({ err: error }, 'leader election stopped'));
    }
    await loop.start();
  } catch (error) {
    shuttingDown = true;
    await closeAll(0).catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }

  return {
    dataPlane,
    loop,
    store,
    notReady,
    async reload() {
      const read = files === null ? null : await files.reload();
      await loop.rebuild({ force: true });
      return { files: read };
    },
    async shutdown() {
      shuttingDown = true;
      await closeAll(options.drainTimeoutMs);
    },
  };
}

/** Resolves with `promise`, or as soon as `signal` aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    promise.then(resolve, reject);
  });
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
        code: p.limit === true ? diagnosticCodes.manifestLimit : diagnosticCodes.manifest,
        field: where,
        message: p.message,
      });
    }
  }
  return out;
}

function sourceDiagnostics(failures: ReadonlyMap<string, string>): Diagnostic[] {
  return [...failures].map(([path, message]) => ({
    object: { kind: 'path', name: path },
    severity: 'error' as const,
    code: diagnosticCodes.source,
    field: '',
    message: `cannot be read (${message}); what it defined before keeps serving, and it is retried`,
  }));
}

/**
 * File mode translates Ingresses in memory (as if the translated Frontends and Rules had been written); in kube
 * mode the leader writes them to the cluster and every instance reads them back like any other Rule.
 */
function buildFromSnapshot(
  snapshot: ReturnType<ObjectStore['snapshot']>,
  options: InstanceOptions,
  lastGoodCertificates: LastGoodCertificates,
): BuildResult {
  const buildOptions = {
    albName: options.alb,
    domain: options.domain,
    trustedProxies: options.trustedProxies,
    lastGoodCertificates,
  };
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
