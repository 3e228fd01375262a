import { ListWatch, Watch, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeApi } from './kube-api.ts';
import type { KubeObject } from './kube-object.ts';

export type CacheEvent = 'add' | 'update' | 'delete';

export type ObjectCacheOptions = {
  api: KubeApi;
  /** What it holds, for logs: `deployments`. */
  name: string;
  /** The collection to list and watch (all namespaces or one). */
  path: string;
  labelSelector?: string;
  logger: Logger;
  onEvent: (event: CacheEvent, object: KubeObject) => void;
};

const maxRestartDelayMs = 30_000;

/**
 * One kind of object, listed then watched (client-node's ListWatch: relists on 410 Gone, reconnects a quiet watch),
 * and restarted with backoff when the list or watch fails, which ListWatch itself does not do.
 */
export class ObjectCache {
  private readonly listWatch: ListWatch<KubernetesObject>;
  private readonly options: ObjectCacheOptions;
  private listed = false;
  private stopped = false;
  private restartDelayMs = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(options: ObjectCacheOptions) {
    this.options = options;
    const { api, path, labelSelector } = options;
    this.listWatch = new ListWatch<KubernetesObject>(
      path,
      new Watch(api.config),
      async () => {
        const list = await api.list(path, labelSelector);
        this.listed = true;
        this.restartDelayMs = 0;
        return { metadata: { resourceVersion: list.resourceVersion }, items: list.items } as never;
      },
      false,
      labelSelector,
    );
    for (const event of ['add', 'update', 'delete'] as const)
      this.listWatch.on(event, (object) => options.onEvent(event, object as KubeObject));
    this.listWatch.on('error', (error: unknown) => this.restart(error));
  }

  /** Resolves once the first list is in (or failed: then it retries in the background; see `synced`). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.listWatch.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    await this.listWatch.stop();
  }

  /** Whether the first list came in: until then the cache does not reflect the cluster. */
  synced(): boolean {
    return this.listed;
  }

  get(name: string, namespace?: string): KubeObject | undefined {
    return this.listWatch.get(name, namespace) as KubeObject | undefined;
  }

  list(namespace?: string): readonly KubeObject[] {
    return this.listWatch.list(namespace) as readonly KubeObject[];
  }

  private restart(error: unknown): void {
    if (this.stopped) return;
    this.restartDelayMs = Math.min(maxRestartDelayMs, this.restartDelayMs === 0 ? 1000 : this.restartDelayMs * 2);
    this.options.logger.warn(
      { err: error, cache: this.options.name, retryInMs: this.restartDelayMs },
      'list/watch failed; restarting',
    );
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopped) void this.listWatch.start();
    }, this.restartDelayMs);
  }
}
