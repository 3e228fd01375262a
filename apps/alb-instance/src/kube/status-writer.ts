import { acceptedCondition, type Condition, type ValidationIssue } from '@alb/crd-types';
import type { Logger } from 'pino';
import type { KubeObject } from '../objects/kube-object.ts';
import type { KubeClient } from './kube-client.ts';
import { recordWarningEvent } from './kube-events.ts';
import { updateStatus } from './update-status.ts';

type Target = { kind: 'Frontend' | 'Rule'; namespace: string; name: string; issues: ValidationIssue[] };

const plural: Record<Target['kind'], string> = { Frontend: 'frontends', Rule: 'rules' };

/**
 * Writes each Frontend's and Rule's `Accepted` condition, and a Warning Event when an object is refused or its
 * problems change. Writes are data: queued, written one at a time by refetching the object, skipping no-ops and
 * retrying on conflict (Contour's status writer). Only what changed since the last write is queued.
 */
export class StatusWriter {
  private readonly client: KubeClient;
  private readonly logger: Logger;
  private readonly component: string;
  /** Last condition message written per object (kind/ns/name@generation). */
  private readonly written = new Map<string, string>();
  private queue: Target[] = [];
  private running: Promise<void> | null = null;

  constructor(client: KubeClient, logger: Logger, component = 'alb-instance') {
    this.client = client;
    this.logger = logger;
    this.component = component;
  }

  /** Queues the conditions of a rebuild: one entry per Frontend and Rule of the ALB. */
  update(
    issuesByObject: ReadonlyMap<string, ValidationIssue[]>,
    objects: (key: string) => KubeObject | undefined,
  ): void {
    const next: Target[] = [];
    for (const [key, issues] of issuesByObject) {
      const object = objects(key);
      if (object === undefined || (object.kind !== 'Frontend' && object.kind !== 'Rule')) continue;
      const fingerprint = `${object.metadata.generation ?? 0}|${JSON.stringify(issues)}`;
      if (this.written.get(key) === fingerprint) continue;
      next.push({
        kind: object.kind,
        namespace: object.metadata.namespace ?? 'default',
        name: object.metadata.name,
        issues,
      });
    }
    // The newest view wins: a queued write for the same object is replaced.
    const keys = new Set(next.map(targetKey));
    this.queue = [...this.queue.filter((t) => !keys.has(targetKey(t))), ...next];
    if (this.running === null && this.queue.length > 0) {
      this.running = this.drain().finally(() => (this.running = null));
    }
  }

  /** Resolves when every queued write is done (tests). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
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

  private async write(target: Target): Promise<void> {
    const path = `/apis/crd.alauda.io/v1/namespaces/${target.namespace}/${plural[target.kind]}/${target.name}`;
    type WithConditions = KubeObject & { status?: { conditions?: Condition[] } };
    let change: { before: Condition | undefined; condition: Condition } | null = null;
    const result = await updateStatus<WithConditions>(this.client, path, (object) => {
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
    });
    if (result === null || change === null) return;
    this.written.set(targetKey(target), `${result.object.metadata.generation ?? 0}|${JSON.stringify(target.issues)}`);
    const { before, condition } = change as { before: Condition | undefined; condition: Condition };
    if (result.written && condition.status === 'False' && before?.message !== condition.message) {
      const recorded = await recordWarningEvent(
        this.client,
        result.object,
        condition.reason,
        condition.message,
        this.component,
      );
      if (!recorded) this.logger.warn({ object: target }, 'could not record an Event');
    }
  }
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
