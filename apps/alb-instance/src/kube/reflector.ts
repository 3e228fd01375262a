import { Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { keyOf, type KubeObject } from '../objects/kube-object.ts';
import type { ObjectStore } from '../objects/object-store.ts';
import { Backoff } from '../pipeline/backoff.ts';
import { sleep, systemClock, type Clock } from '../pipeline/clock.ts';
import { KubeApiError, type KubeClient } from './kube-client.ts';

/** One kind to follow: its API path, selectors, and the kind/apiVersion list items lack. */
export type ResourceSpec = {
  kind: string;
  apiVersion: string;
  /** e.g. `/apis/crd.alauda.io/v1/rules` or `/api/v1/namespaces/ns/services`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Which objects of the kind this reflector owns, when others follow the same kind with other selectors: a relist
   * replaces only these. Absent: the whole kind.
   */
  owns?: (object: KubeObject) => boolean;
};

export type ReflectorOptions = {
  clock?: Clock;
  /** Backoff after a failed list or watch (default 200 ms doubling to 30 s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Server-side end of each watch (default: 5 to 10 minutes at random, as client-go); it is then resumed. */
  watchTimeoutSeconds?: () => number;
};

/**
 * Keeps the store in step with one kind, as client-go's reflector: list, then watch from the list's
 * resourceVersion; a watch that ends is resumed from the last version seen, and relisted on 410 Gone or any
 * error. A watch silent for 30 s is considered dead (client-node's inactivity timeout) and resumed. Errors back
 * off exponentially (200 ms to 30 s, on the injected clock). The store keeps the last good objects meanwhile.
 */
export class Reflector {
  private readonly spec: ResourceSpec;
  private readonly client: KubeClient;
  private readonly store: ObjectStore;
  private readonly onChange: () => void;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly watchTimeoutSeconds: () => number;
  private readonly stopping = new AbortController();
  private resourceVersion = '';
  private abort: AbortController | null = null;
  private stopped = false;
  private syncedOnce: Promise<void>;
  private markSynced!: () => void;
  /** Lists done (tests and logs). */
  lists = 0;
  /** Watches started (tests). */
  watches = 0;
  /** Watches that found their resourceVersion expired (410 Gone), each followed by a relist (tests and logs). */
  expired = 0;

  constructor(
    spec: ResourceSpec,
    client: KubeClient,
    store: ObjectStore,
    onChange: () => void,
    logger: Logger,
    options: ReflectorOptions = {},
  ) {
    this.spec = spec;
    this.client = client;
    this.store = store;
    this.onChange = onChange;
    this.logger = logger.child({ kind: spec.kind });
    this.clock = options.clock ?? systemClock;
    this.backoff = new Backoff(options.backoffInitialMs ?? 200, options.backoffMaxMs ?? 30_000);
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? (() => Math.floor(300 * (1 + Math.random())));
    this.syncedOnce = new Promise((resolve) => (this.markSynced = resolve));
  }

  /** Starts following; resolves after the first successful list (or once stopped). */
  start(): Promise<void> {
    void this.run();
    return this.syncedOnce;
  }

  stop(): void {
    this.stopped = true;
    this.stopping.abort();
    this.abort?.abort();
    this.markSynced();
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.list();
          needList = false;
          this.backoff.reset();
        }
        needList = await this.watch();
        this.backoff.reset();
      } catch (error) {
        if (this.stopped) return;
        needList = true;
        const delay = this.backoff.next();
        this.logger.warn(
          { err: (error as Error).message, retryInMs: delay },
          'list/watch failed; the last known objects keep serving',
        );
        await sleep(this.clock, delay, this.stopping.signal);
      }
    }
  }

  private query(extra: Record<string, string> = {}): string {
    const params = new URLSearchParams(extra);
    if (this.spec.labelSelector) params.set('labelSelector', this.spec.labelSelector);
    if (this.spec.fieldSelector) params.set('fieldSelector', this.spec.fieldSelector);
    const text = params.toString();
    return text === '' ? '' : `?${text}`;
  }

  private async list(): Promise<void> {
    const path = this.spec.path + this.query();
    const response = await this.client.request('GET', path);
    if (response.status !== 200) throw new KubeApiError(response.status, path, response.text);
    const list = response.json as { metadata?: { resourceVersion?: string }; items?: KubeObject[] };
    const items = (list.items ?? []).map((item) => this.complete(item));
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.lists++;
    if (this.store.replaceAll(items, [this.spec.kind], this.spec.owns)) this.onChange();
    this.markSynced();
  }

  /** Watches until the stream ends; returns whether a relist is needed (410 Gone). */
  private watch(): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const params: Record<string, string | boolean | number> = {
        allowWatchBookmarks: true,
        resourceVersion: this.resourceVersion,
        timeoutSeconds: this.watchTimeoutSeconds(),
      };
      this.watches++;
      if (this.spec.labelSelector) params.labelSelector = this.spec.labelSelector;
      if (this.spec.fieldSelector) params.fieldSelector = this.spec.fieldSelector;
      let gone = false;
      new Watch(this.client.config)
        .watch(
          this.spec.path,
          params,
          (phase, object: KubeObject & { code?: number }) => {
            if (phase === 'ERROR') {
              // A watch error event: 410 Gone means our resourceVersion is too old; relist.
              gone = object.code === 410;
              if (gone) this.noteExpired();
              return;
            }
            const version = object.metadata?.resourceVersion;
            if (version !== undefined) this.resourceVersion = version;
            if (phase === 'BOOKMARK') return;
            const full = this.complete(object);
            const changed = phase === 'DELETED' ? this.store.remove(keyOf(full)) : this.store.apply(full);
            if (changed) this.onChange();
          },
          (error: unknown) => {
            this.abort = null;
            if (this.stopped) return resolve(false);
            if (error === null || error === undefined) return resolve(gone);
            const status = (error as { statusCode?: number; code?: number }).statusCode;
            if (status === 410) {
              this.noteExpired();
              return resolve(true);
            }
            // The inactivity timeout: resume from the last version (cheap), not an error.
            if (error instanceof DOMException && error.name === 'TimeoutError') return resolve(false);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        )
        .then((controller) => {
          this.abort = controller;
          if (this.stopped) controller.abort();
        }, reject);
    });
  }

  private noteExpired(): void {
    this.expired++;
    this.logger.info({ resourceVersion: this.resourceVersion }, 'resourceVersion expired (410 Gone): relisting');
  }

  private complete(object: KubeObject): KubeObject {
    // List items come without kind/apiVersion.
    if (object.kind === undefined || object.apiVersion === undefined)
      return { ...object, kind: this.spec.kind, apiVersion: this.spec.apiVersion };
    return object;
  }
}
