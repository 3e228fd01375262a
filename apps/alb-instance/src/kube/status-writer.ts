import { acceptedCondition, type Condition, type ValidationIssue } from '@alb/crd-types';
import type { Logger } from 'pino';
import type { KubeObject } from '../objects/kube-object.ts';
import type { KubeClient } from './kube-client.ts';
import { recordWarningEvent } from './kube-events.ts';
import { updateStatus } from './update-status.ts';

type Target = { kind: 'Frontend' | 'Rule'; namespace: string; name: string; issues: ValidationIssue[] };

const plural: Record<Target['kind'], string> = { Frontend: 'frontends', Rule: 'rules' };

export type StatusWriterOptions = {
  /** Checked right before every write: a writer that is not (or no longer) the leader writes nothing. */
  isLeader: () => boolean;
  /** Event source component. */
  component?: string;
};

/**
 * Writes each Frontend's and Rule's `Accepted` condition, and a Warning Event when an object is refused or its
 * problems change. Writes are data: queued, written one at a time by refetching the object, skipping no-ops and
 * retrying on conflict (Contour's status writer). Only what changed since the last write is queued. Writes stop
 * with leadership: `stop` drops the queue and the memory of what was written (another leader may write
 * meanwhile), and leadership is checked again right before each write.
 */
export class StatusWriter {
  private readonly client: KubeClient;
  private readonly logger: Logger;
  private readonly options: StatusWriterOptions;
  /** Last issues written per object (kind/ns/name -> generation|issues), for the objects that exist. */
  private readonly written = new Map<string, string>();
  private queue: Target[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(client: KubeClient, logger: Logger, options: StatusWriterOptions) {
    this.client = client;
    this.logger = logger;
    this.options = options;
  }

  /** Leadership (re)gained: writes are accepted again, and everything is checked again. */
  lead(): void {
    this.stopped = false;
  }

  /** Leadership lost (or shutting down): queued writes are dropped; a write in flight finishes (see `idle`). */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.written.clear();
  }

  /** Objects remembered as written (tests: the memory is bounded by the objects that exist). */
  get remembered(): number {
    return this.written.size;
  }

  /** Queues the conditions of a rebuild: one entry per Frontend and Rule of the ALB. */
  update(
    issuesByObject: ReadonlyMap<string, ValidationIssue[]>,
    objects: (key: string) => KubeObject | undefined,
  ): void {
    if (this.stopped) return;
    // Objects that are gone (or no longer ours) are forgotten: the memory follows the ALB's objects.
    for (const key of this.written.keys()) if (!issuesByObject.has(key)) this.written.delete(key);
    const next: Target[] = [];
    for (const [key, issues] of issuesByObject) {
      const object = objects(key);
      if (object === undefined || (object.kind !== 'Frontend' && object.kind !== 'Rule')) continue;
      if (this.written.get(key) === memo(object.metadata.generation, issues)) continue;
      next.push({
        kind: object.kind,
        namespace: object.metadata.namespace ?? 'default',
        name: object.metadata.name,
        issues,
      });
    }
    // The newest view wins: a queued write for the same object is replaced; queued writes for gone objects go.
    const keys = new Set(next.map(targetKey));
    this.queue = [...this.queue.filter((t) => !keys.has(targetKey(t)) && issuesByObject.has(targetKey(t))), ...next];
    if (this.running === null && this.queue.length > 0) {
      this.running = this.drain().finally(() => (this.running = null));
    }
  }

  /** Resolves when every queued write is done, or dropped. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const target = this.queue.shift()!;
      try {
        await this.write(target);
      } catch (error) {
        this.logger.warn(
          { object: target, err: (error as Error).message },
          'status not written (will be retried on the next change)',
        );
      }
    }
  }

  private mayWrite(): boolean {
    return !this.stopped && this.options.isLeader();
  }

  private async write(target: Target): Promise<void> {
    if (!this.mayWrite()) return;
    const path = `/apis/crd.alauda.io/v1/namespaces/${target.namespace}/${plural[target.kind]}/${target.name}`;
    type WithConditions = KubeObject & { status?: { conditions?: Condition[] } };
    let change: { before: Condition | undefined; condition: Condition } | null = null;
    const result = await updateStatus<WithConditions>(
      this.client,
      path,
      (object) => {
        const previous = object.status?.conditions ?? [];
        const condition = acceptedCondition(target.issues, {
          generation: object.metadata.generation,
          now: new Date(),
          previous,
        });
        const before = previous.find((c) => c.type === condition.type);
        change = { before, condition };
        if (before !== undefined && sameCondition(before, condition)) return undefined;
        return {
          ...(object.status ?? {}),
          conditions: [...previous.filter((c) => c.type !== condition.type), condition],
        };
      },
      { mayWrite: () => this.mayWrite() },
    );
    // Leadership lost meanwhile: what was (not) written is not remembered; the next leader looks again.
    if (result === null || change === null || !this.mayWrite()) return;
    this.written.set(targetKey(target), memo(result.object.metadata.generation, target.issues));
    const { before, condition } = change as { before: Condition | undefined; condition: Condition };
    if (result.written && condition.status === 'False' && before?.message !== condition.message && this.mayWrite()) {
      const recorded = await recordWarningEvent(
        this.client,
        result.object,
        condition.reason,
        condition.message,
        this.options.component ?? 'alb-instance',
      );
      if (!recorded) this.logger.warn({ object: target }, 'could not record an Event');
    }
  }
}

function memo(generation: number | undefined, issues: ValidationIssue[]): string {
  return `${generation ?? 0}|${JSON.stringify(issues)}`;
}

function targetKey(t: Target): string {
  return `${t.kind}/${t.namespace}/${t.name}`;
}

function sameCondition(a: Condition, b: Condition): boolean {
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.observedGeneration === b.observedGeneration
  );
}
