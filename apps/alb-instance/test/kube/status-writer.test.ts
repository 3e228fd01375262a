// The status writer against a real kube-apiserver with the ALB CRDs: conflict retry, no writes without
// leadership, a memory bounded by the objects that exist, and a data-plane refusal reported as Accepted=False.
import type { ValidationIssue } from '@alb/crd-types';
import { pino } from 'pino';
import t from 'tap';
import { KubeClient, type KubeResponse } from '../../src/kube/kube-client.ts';
import { StatusWriter } from '../../src/kube/status-writer.ts';
import type { KubeObject } from '../../src/objects/kube-object.ts';
import { freshNamespace, installCrds, kubeEnv, must, type KubeEnv } from './kube-env.ts';

const silent = pino({ level: 'silent' });
type Condition = { type: string; status: string; reason: string; message: string };
type WithStatus = KubeObject & { status?: { conditions?: Condition[] } };

/** A client of the real API server that lets a test act right before a request goes out (a racing writer). */
class InterleavingClient extends KubeClient {
  readonly requests: string[] = [];
  before: ((method: string, path: string) => Promise<void>) | null = null;

  override async request(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse> {
    this.requests.push(`${method} ${path}`);
    await this.before?.(method, path);
    return super.request(method, path, body, contentType);
  }
}

const rulePath = (ns: string, name: string) => `/apis/crd.alauda.io/v1/namespaces/${ns}/rules/${name}`;

async function createRules(kube: KubeEnv, ns: string, names: string[]): Promise<Map<string, KubeObject>> {
  const objects = new Map<string, KubeObject>();
  for (const name of names) {
    const rule = await must<KubeObject>(kube.env, 'POST', `/apis/crd.alauda.io/v1/namespaces/${ns}/rules`, {
      apiVersion: 'crd.alauda.io/v1',
      kind: 'Rule',
      metadata: { name, namespace: ns, labels: { 'alb2.cpaas.io/name': 'alb', 'alb2.cpaas.io/frontend': 'ft' } },
      spec: { priority: 5, dslx: [{ type: 'URL', values: [['STARTS_WITH', `/${name}`]] }] },
    });
    objects.set(`Rule/${ns}/${name}`, rule);
  }
  return objects;
}

const conditions = async (kube: KubeEnv, ns: string, name: string) =>
  (await must<WithStatus>(kube.env, 'GET', rulePath(ns, name))).status?.conditions ?? [];

t.test('status writer', { timeout: 300_000 }, async (t) => {
  const kube = await kubeEnv(t);
  await installCrds(kube.env);
  const client = new InterleavingClient(kube.client.config);
  let leader = true;
  const writer = () => new StatusWriter(client, silent, { isLeader: () => leader });

  t.test('a conflicting write in between: refetched, merged and written again', async (t) => {
    const ns = await freshNamespace(kube.env);
    const objects = await createRules(kube, ns, ['r1']);
    let raced = false;
    client.before = async (method, path) => {
      if (raced || method !== 'PUT' || !path.endsWith('/status')) return;
      raced = true;
      // Someone else writes the status first, from the same version we read: ours is now stale (409).
      const current = await must<WithStatus>(kube.env, 'GET', rulePath(ns, 'r1'));
      await must(kube.env, 'PUT', `${rulePath(ns, 'r1')}/status`, {
        ...current,
        status: {
          conditions: [
            {
              type: 'Other',
              status: 'True',
              reason: 'Racer',
              message: '',
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      });
    };
    client.requests.length = 0;
    const w = writer();
    w.update(new Map([['Rule/' + ns + '/r1', []]]), (key) => objects.get(key));
    await w.idle();
    client.before = null;
    t.equal(client.requests.filter((r) => r.startsWith('PUT')).length, 2, 'written twice: the first got 409');
    t.equal(client.requests.filter((r) => r.startsWith('GET')).length, 2, 'refetched after the conflict');
    t.match(await conditions(kube, ns, 'r1'), [
      { type: 'Other', reason: 'Racer' },
      { type: 'Accepted', status: 'True', reason: 'Valid' },
    ]);
  });

  t.test('a rule refused by the data plane: Accepted=False with the reason, and a Warning Event', async (t) => {
    const ns = await freshNamespace(kube.env);
    const objects = await createRules(kube, ns, ['bad']);
    const refused: ValidationIssue = {
      path: 'rewrite.base',
      message: 'port 80: backreferences are not supported; the rule is not served',
      code: 'ALB_INSTANCE_DATA_PLANE',
      severity: 'error',
    };
    const w = writer();
    w.update(new Map([[`Rule/${ns}/bad`, [refused]]]), (key) => objects.get(key));
    await w.idle();
    t.match(await conditions(kube, ns, 'bad'), [
      { type: 'Accepted', status: 'False', reason: 'InvalidSpec', message: /rewrite\.base: port 80: backreferences/ },
    ]);
    const events = await must<{ items: unknown[] }>(
      kube.env,
      'GET',
      `/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name=bad`,
    );
    t.match(events.items, [{ type: 'Warning', reason: 'InvalidSpec' }]);
  });

  t.test('no leadership, no writes: checked before each write; stop drops the queue', async (t) => {
    const ns = await freshNamespace(kube.env);
    const objects = await createRules(kube, ns, ['a', 'b', 'c']);
    const all = new Map([...objects.keys()].map((key) => [key, [] as ValidationIssue[]]));

    leader = false;
    const follower = writer();
    follower.update(all, (key) => objects.get(key));
    await follower.idle();
    for (const name of ['a', 'b', 'c'])
      t.same(await conditions(kube, ns, name), [], `${name}: not written by a non-leader`);

    leader = true;
    const losing = writer();
    client.before = async (method, path) => {
      // Leadership is lost once the first status is written.
      if (method === 'GET' && path.endsWith('/b')) leader = false;
    };
    losing.update(all, (key) => objects.get(key));
    await losing.idle();
    client.before = null;
    t.match(await conditions(kube, ns, 'a'), [{ type: 'Accepted' }], 'a: written while leading');
    t.same(await conditions(kube, ns, 'b'), [], 'b: leadership lost right before its write');
    t.same(await conditions(kube, ns, 'c'), [], 'c: not written');
    t.equal(losing.remembered, 1, 'only what was written is remembered');

    leader = true;
    const stopped = writer();
    stopped.update(all, (key) => objects.get(key));
    stopped.stop();
    await stopped.idle();
    t.same(await conditions(kube, ns, 'c'), [], 'stop: the queued writes are dropped');
    stopped.update(all, (key) => objects.get(key));
    await stopped.idle();
    t.same(await conditions(kube, ns, 'c'), [], 'and nothing is queued until it leads again');
    stopped.lead();
    stopped.update(all, (key) => objects.get(key));
    await stopped.idle();
    t.match(await conditions(kube, ns, 'c'), [{ type: 'Accepted', status: 'True' }], 'leading again: written');
  });

  t.test('what is remembered follows the objects that exist', async (t) => {
    leader = true;
    const ns = await freshNamespace(kube.env);
    const names = Array.from({ length: 5 }, (_, i) => `m${i}`);
    const objects = await createRules(kube, ns, names);
    const w = writer();
    w.update(new Map([...objects.keys()].map((key) => [key, []])), (key) => objects.get(key));
    await w.idle();
    t.equal(w.remembered, 5);
    client.requests.length = 0;
    w.update(new Map([...objects.keys()].map((key) => [key, []])), (key) => objects.get(key));
    await w.idle();
    t.same(client.requests, [], 'nothing changed: nothing written, not even read');
    const kept = `Rule/${ns}/m0`;
    w.update(new Map([[kept, []]]), (key) => objects.get(key));
    await w.idle();
    t.equal(w.remembered, 1, 'objects no longer in the config are forgotten');
  });
});
