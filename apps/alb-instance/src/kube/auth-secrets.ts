import type { Logger } from 'pino';
import { objectKey } from '../objects/kube-object.ts';
import type { ObjectStore, Snapshot } from '../objects/object-store.ts';
import type { KubeClient } from './kube-client.ts';
import { Reflector } from './reflector.ts';

/** More named Secrets than this are not followed (reported): each is a watch on the API server. */
const MAX_SECRETS = 500;

/**
 * Kube mode's basic-auth Secrets: only the Secrets that Rules, Frontends and the ALB2 name in
 * `config.auth.basic.secret` are read, each by name (a list and watch with `metadata.name=<name>` in its
 * namespace), so the instance never lists the cluster's Secrets. `sync` follows what the objects name now:
 * new names start a reflector, names no longer used stop theirs and leave the store. Until a Secret is listed its
 * route answers 503 (auth fails closed). Separate from the TLS certificates' source.
 */
export class AuthSecretSource {
  private readonly reflectors = new Map<string, Reflector>();
  private warnedLimit = false;

  private readonly client: KubeClient;
  private readonly store: ObjectStore;
  private readonly onChange: () => void;
  private readonly logger: Logger;

  constructor(client: KubeClient, store: ObjectStore, onChange: () => void, logger: Logger) {
    this.client = client;
    this.store = store;
    this.onChange = onChange;
    this.logger = logger;
  }

  /** Follows exactly the Secrets `snapshot`'s ALB objects name for basic auth; resolves when new ones are listed. */
  sync(snapshot: Snapshot): Promise<void> {
    const started: Array<Promise<void>> = [];
    const wanted = namedAuthSecrets(snapshot);
    for (const [ref, reflector] of this.reflectors) {
      if (wanted.has(ref)) continue;
      reflector.stop();
      this.reflectors.delete(ref);
      const [namespace, name] = ref.split('/') as [string, string];
      if (this.store.remove(objectKey('Secret', namespace, name))) this.onChange();
    }
    for (const ref of wanted) {
      if (this.reflectors.has(ref)) continue;
      if (this.reflectors.size >= MAX_SECRETS) {
        if (!this.warnedLimit)
          this.logger.warn(
            { limit: MAX_SECRETS },
            'too many basic-auth Secrets named; some are not read (their routes answer 503)',
          );
        this.warnedLimit = true;
        break;
      }
      const [namespace, name] = ref.split('/') as [string, string];
      const reflector = new Reflector(
        {
          kind: 'Secret',
          apiVersion: 'v1',
          path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`,
          fieldSelector: `metadata.name=${name}`,
          owns: (o) => o.metadata.namespace === namespace && o.metadata.name === name,
        },
        this.client,
        this.store,
        this.onChange,
        this.logger,
      );
      this.reflectors.set(ref, reflector);
      started.push(reflector.start());
    }
    return Promise.all(started).then(() => undefined);
  }

  stop(): void {
    for (const reflector of this.reflectors.values()) reflector.stop();
    this.reflectors.clear();
  }
}

/** `namespace/name` of every Secret the ALB objects of `snapshot` name as basic-auth users. */
export function namedAuthSecrets(snapshot: Snapshot): Set<string> {
  const refs = new Set<string>();
  for (const kind of ['ALB2', 'Frontend', 'Rule']) {
    for (const object of snapshot.get(kind) ?? []) {
      const secret = (object.spec as { config?: { auth?: { basic?: { secret?: unknown } } } } | undefined)?.config?.auth
        ?.basic?.secret;
      if (typeof secret === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[^/\s]+$/.test(secret)) refs.add(secret);
    }
  }
  return refs;
}
