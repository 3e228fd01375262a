import { acceptedCondition, type Condition, type ValidationIssue } from '@alb/crd-types';
import type { Logger } from 'pino';
import type { KubeObject } from '../objects/kube-object.ts';
import type { KubeClient } from './kube-client.ts';

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
    for (let attempt = 0; attempt < 5; attempt++) {
      const got = await this.client.request('GET', path);
      if (got.status === 404) return;
      if (got.status !== 200) throw new Error(`GET ${path}: ${got.status}`);
      const object = got.json as KubeObject & { status?: { conditions?: Condition[] } };
      const previous = object.status?.conditions ?? [];
      const condition = acceptedCondition(target.issues, {
        generation: object.metadata.generation,
        now: new Date(),
        previous,
      });
      const before = previous.find((c) => c.type === condition.type);
      const key = targetKey(target);
      const fingerprint = `${object.metadata.generation ?? 0}|${JSON.stringify(target.issues)}`;
      if (before !== undefined && sameCondition(before, condition)) {
        this.written.set(key, fingerprint);
        return;
      }
      const status = {
        ...(object.status ?? {}),
        conditions: [...previous.filter((c) => c.type !== condition.type), condition],
      };
      const put = await this.client.request('PUT', `${path}/status`, { ...object, status });
      if (put.status === 409) continue; // someone wrote first: refetch and try again
      if (put.status !== 200) throw new Error(`PUT ${path}/status: ${put.status} ${put.text.slice(0, 200)}`);
      this.written.set(key, fingerprint);
      if (condition.status === 'False' && before?.message !== condition.message) await this.event(object, condition);
      return;
    }
    throw new Error(`status of ${path}: gave up after 5 conflicts`);
  }

  private async event(object: KubeObject, condition: Condition): Promise<void> {
    const namespace = object.metadata.namespace ?? 'default';
    const now = new Date().toISOString();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${object.metadata.name}.`, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      reason: condition.reason,
      message: condition.message.slice(0, 1024),
      type: 'Warning',
      source: { component: this.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: this.component,
    };
    const response = await this.client.request('POST', `/api/v1/namespaces/${namespace}/events`, event);
    if (response.status !== 201) this.logger.warn({ status: response.status }, 'could not record an Event');
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
