import { albAddresses, type IngressLoadBalancerIngress } from '@alb/ingress-translator';
import type { Logger } from 'pino';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import { translateSnapshot } from '../ingress/translate-snapshot.ts';
import {
  applyBody,
  frontendNeedsWrite,
  mergedLoadBalancer,
  ruleNeedsWrite,
  staleIngressRules,
  withFrontendOwner,
} from '../ingress/ingress-writes.ts';
import { keyOf, objectKey, type KubeObject } from '../objects/kube-object.ts';
import type { ObjectStore, Snapshot } from '../objects/object-store.ts';
import type { Clock } from '../pipeline/clock.ts';
import { Debouncer } from '../pipeline/debouncer.ts';
import type { KubeClient } from './kube-client.ts';
import { recordWarningEvent } from './kube-events.ts';
import { updateStatus } from './update-status.ts';

export type IngressSyncOptions = {
  alb: string;
  namespace: string;
  domain: string;
  clock: Clock;
  /** The server-side apply field manager of translated objects. */
  fieldManager?: string;
  /** Event source component. */
  component?: string;
  /** After a failed write, try again this much later even if nothing changes. */
  retryMs?: number;
};

export type IngressSyncReport = {
  applied: number;
  deleted: number;
  unchanged: number;
  statuses: number;
  events: number;
  failures: number;
};

/** What a translation reads: when none of these lists changed, the last sync still holds. */
const inputKinds = ['ALB2', 'Ingress', 'IngressClass', 'Namespace', 'Service', 'Frontend', 'Rule'] as const;

type IngressWithStatus = KubeObject & { status?: { loadBalancer?: { ingress?: IngressLoadBalancerIngress[] } } };

/**
 * The leader's Ingress loop: translate every Ingress of the ALB, then make the cluster hold the result with
 * server-side apply (Frontends first, so Rules can name them as owners), delete translated Rules nothing produces
 * any more, write each Ingress's `status.loadBalancer`, and put translator problems as Warning Events on the
 * Ingress. Names are deterministic and unchanged objects are not written, so a new leader rewrites nothing.
 * Every instance then serves the Rules it reads back, like hand-written ones.
 */
export class IngressSync {
  private readonly client: KubeClient;
  private readonly store: ObjectStore;
  private readonly logger: Logger;
  private readonly options: Required<IngressSyncOptions>;
  private readonly debouncer: Debouncer;
  private leading: AbortSignal | null = null;
  private lastInputs: Array<readonly KubeObject[] | undefined> | null = null;
  private retryTimer: unknown = null;
  /** Per Ingress (uid): the problems last reported, so each is an Event once. */
  private readonly reported = new Map<string, string>();

  constructor(client: KubeClient, store: ObjectStore, logger: Logger, options: IngressSyncOptions) {
    this.client = client;
    this.store = store;
    this.logger = logger;
    this.options = { fieldManager: 'alb-ingress', component: 'alb-instance', retryMs: 5000, ...options };
    this.debouncer = new Debouncer(() => this.sync(), {
      clock: options.clock,
      holdoffMs: 100,
      maxDelayMs: 1000,
      onError: (error) => {
        this.logger.error({ err: error }, 'ingress sync failed (retried)');
        this.lastInputs = null;
        this.scheduleRetry();
      },
    });
  }

  /** Starts writing, until `signal` aborts (leadership lost). */
  lead(signal: AbortSignal): void {
    this.leading = signal;
    this.lastInputs = null;
    signal.addEventListener('abort', () => this.stop(), { once: true });
    this.markDirty();
  }

  markDirty(): void {
    if (this.leading !== null && !this.leading.aborted) this.debouncer.trigger();
  }

  stop(): void {
    this.leading = null;
    this.debouncer.cancel();
    if (this.retryTimer !== null) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  whenIdle(): Promise<void> {
    return this.debouncer.whenIdle();
  }

  private async sync(): Promise<void> {
    const signal = this.leading;
    if (signal === null || signal.aborted) return;
    const snapshot = this.store.snapshot();
    const inputs = inputKinds.map((kind) => snapshot.get(kind));
    if (this.lastInputs !== null && inputs.every((list, i) => sameList(list, this.lastInputs![i]))) return;
    const { output, alb, diagnostics } = translateSnapshot(snapshot, this.options.alb, this.options.domain);
    const report: IngressSyncReport = { applied: 0, deleted: 0, unchanged: 0, statuses: 0, events: 0, failures: 0 };
    // Each write is attempted on its own: one refused object must not hold up the others.
    const attempt = async (what: string, write: () => Promise<void>) => {
      if (signal.aborted) return;
      try {
        await write();
      } catch (error) {
        report.failures++;
        this.logger.warn({ object: what, err: (error as Error).message }, 'ingress sync: write failed (retried)');
      }
    };
    if (output !== null) {
      const frontendUids = new Map<string, string>();
      for (const frontend of output.frontends as unknown as KubeObject[]) {
        const existing = this.store.get(keyOf(frontend));
        if (existing?.metadata.uid !== undefined) frontendUids.set(frontend.metadata.name, existing.metadata.uid);
        if (!frontendNeedsWrite(frontend, existing)) {
          report.unchanged++;
          continue;
        }
        await attempt(keyOf(frontend), async () => {
          const written = await this.apply('frontends', frontend);
          if (written.metadata.uid !== undefined) frontendUids.set(frontend.metadata.name, written.metadata.uid);
          report.applied++;
        });
      }
      for (const translated of output.rules as unknown as KubeObject[]) {
        const rule = withFrontendOwner(translated, frontendUids, this.options.domain);
        if (!ruleNeedsWrite(rule, this.store.get(keyOf(rule)))) {
          report.unchanged++;
          continue;
        }
        await attempt(keyOf(rule), async () => {
          await this.apply('rules', rule);
          report.applied++;
        });
      }
      const stale = staleIngressRules(snapshot.get('Rule') ?? [], output.rules as unknown as KubeObject[], {
        alb: this.options.alb,
        namespace: this.options.namespace,
        domain: this.options.domain,
      });
      for (const rule of stale) {
        await attempt(keyOf(rule), async () => {
          if (await this.remove(rule)) report.deleted++;
        });
      }
      const ours = new Map(output.ingressStatus.map((s) => [`${s.namespace}/${s.name}`, s.loadBalancer.ingress]));
      const addresses = new Set(albAddresses(alb));
      for (const ingress of snapshot.get('Ingress') ?? []) {
        const key = `${ingress.metadata.namespace}/${ingress.metadata.name}`;
        const wanted = ours.get(key) ?? [];
        const fresh = (this.store.get(keyOf(ingress)) ?? ingress) as IngressWithStatus;
        if (mergedLoadBalancer(fresh.status?.loadBalancer?.ingress ?? [], wanted, addresses) === undefined) continue;
        await attempt(keyOf(ingress), async () => {
          if (await this.writeIngressStatus(ingress, wanted, addresses)) report.statuses++;
        });
      }
    }
    report.events = await this.reportProblems(snapshot, diagnostics, signal);
    if (report.applied + report.deleted + report.statuses + report.events + report.failures > 0)
      this.logger.info(report, 'ingress sync');
    if (report.failures === 0) {
      this.lastInputs = inputs;
    } else {
      this.lastInputs = null;
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = null;
      this.markDirty();
    }, this.options.retryMs);
  }

  /** Server-side apply (create or update) under our field manager; resolves to the object as stored. */
  private async apply(plural: 'frontends' | 'rules', object: KubeObject): Promise<KubeObject> {
    const path =
      `/apis/crd.alauda.io/v1/namespaces/${object.metadata.namespace}/${plural}/${object.metadata.name}` +
      `?fieldManager=${encodeURIComponent(this.options.fieldManager)}&force=true`;
    const response = await this.client.request(
      'PATCH',
      path,
      JSON.stringify(applyBody(object)),
      'application/apply-patch+yaml',
    );
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`apply ${plural} ${object.metadata.name}: ${response.status} ${response.text.slice(0, 300)}`);
    return response.json as KubeObject;
  }

  /** Deletes a stale translated Rule, only if it is still the object we saw (uid precondition). */
  private async remove(rule: KubeObject): Promise<boolean> {
    const path = `/apis/crd.alauda.io/v1/namespaces/${rule.metadata.namespace}/rules/${rule.metadata.name}`;
    const response = await this.client.request('DELETE', path, {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid: rule.metadata.uid },
    });
    if (response.status === 404 || response.status === 409) return false;
    if (response.status !== 200 && response.status !== 202)
      throw new Error(`delete rule ${rule.metadata.name}: ${response.status} ${response.text.slice(0, 300)}`);
    return true;
  }

  private async writeIngressStatus(
    ingress: KubeObject,
    wanted: IngressLoadBalancerIngress[],
    addresses: ReadonlySet<string>,
  ): Promise<boolean> {
    const path = `/apis/networking.k8s.io/v1/namespaces/${ingress.metadata.namespace}/ingresses/${ingress.metadata.name}`;
    const result = await updateStatus<IngressWithStatus>(this.client, path, (current) => {
      const merged = mergedLoadBalancer(current.status?.loadBalancer?.ingress ?? [], wanted, addresses);
      if (merged === undefined) return undefined;
      return { ...(current.status ?? {}), loadBalancer: merged.length === 0 ? {} : { ingress: merged } };
    });
    if (result?.written === true) this.store.apply(result.object);
    return result?.written === true;
  }

  /**
   * Logs each translator problem once and records it as a Warning Event on its Ingress when the set of problems
   * of that Ingress changes. Resolves to the number of Events recorded.
   */
  private async reportProblems(snapshot: Snapshot, diagnostics: Diagnostic[], signal: AbortSignal): Promise<number> {
    const byIngress = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      const key = objectKey(d.object.kind, d.object.namespace, d.object.name);
      byIngress.set(key, [...(byIngress.get(key) ?? []), d]);
    }
    const present = new Set<string>();
    let events = 0;
    for (const ingress of snapshot.get('Ingress') ?? []) {
      const uid = ingress.metadata.uid ?? keyOf(ingress);
      present.add(uid);
      const problems = byIngress.get(keyOf(ingress)) ?? [];
      const fingerprint = problems.map(formatDiagnostic).join('\n');
      if ((this.reported.get(uid) ?? '') === fingerprint) continue;
      this.reported.set(uid, fingerprint);
      for (const d of problems) {
        this.logger.warn({ object: d.object, field: d.field, code: d.code }, formatDiagnostic(d));
        if (signal.aborted) continue;
        const message = `${d.field === '' ? '' : `${d.field}: `}${d.message}`;
        try {
          if (await recordWarningEvent(this.client, ingress, d.code, message, this.options.component)) events++;
        } catch (error) {
          this.logger.warn({ object: d.object, err: (error as Error).message }, 'could not record an Event');
        }
      }
    }
    for (const uid of this.reported.keys()) if (!present.has(uid)) this.reported.delete(uid);
    return events;
  }
}

function sameList(a: readonly KubeObject[] | undefined, b: readonly KubeObject[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((object, i) => object === b[i]);
}
