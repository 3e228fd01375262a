// The rebuild loop in process, on a manual clock, with the real policy builder and the real data plane (one
// in-process engine on 127.0.0.1): dirty marking, the hash skip, the error paths and the retries.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createDataPlane, type ApplyResult, type DataPlaneConfig } from '@alb/proxy-core';
import t, { type Test } from 'tap';
import { ObjectStore } from '../../src/objects/object-store.ts';
import { RebuildLoop, type RebuildOutcome } from '../../src/pipeline/rebuild-loop.ts';
import { buildPolicy, type BuildResult } from '../../src/policy/build-policy.ts';
import { parseManifest } from '../../src/sources/parse-manifest.ts';
import { freePort, get, manifests } from '../helpers.ts';
import { manualClock } from '../manual-clock.ts';

type Harness = {
  store: ObjectStore;
  loop: RebuildLoop;
  clock: ReturnType<typeof manualClock>;
  outcomes: RebuildOutcome[];
  errors: Error[];
  applied: DataPlaneConfig[];
  /** Set to make the next builds throw. */
  buildFails: { value: boolean };
  /** Trusted proxies given to the builder: an invalid entry makes the data plane refuse the config. */
  trusted: string[];
  load(...docs: string[]): void;
};

async function harness(t: Test): Promise<Harness> {
  const dataPlane = createDataPlane({ workers: 1, bind: '127.0.0.1', drainTimeoutMs: 0 });
  t.teardown(() => dataPlane.close(0));
  const clock = manualClock();
  const store = new ObjectStore();
  const outcomes: RebuildOutcome[] = [];
  const errors: Error[] = [];
  const applied: DataPlaneConfig[] = [];
  const buildFails = { value: false };
  const trusted: string[] = [];
  const loop = new RebuildLoop({
    snapshot: () => store.snapshot(),
    build: (snapshot): BuildResult => {
      if (buildFails.value) throw new Error('the builder broke');
      return buildPolicy(snapshot, { trustedProxies: [...trusted] });
    },
    apply: (config): Promise<ApplyResult> => {
      applied.push(config);
      return dataPlane.apply(config);
    },
    onOutcome: (outcome) => outcomes.push(outcome),
    onError: (error) => errors.push(error),
    clock,
  });
  t.teardown(() => loop.stop());
  const load = (...docs: string[]) => {
    for (const object of parseManifest('test.yaml', docs.join('---\n')).objects) store.apply(object);
  };
  return { store, loop, clock, outcomes, errors, applied, buildFails, trusted, load };
}

t.test('nothing is built before start; start builds once from everything loaded', async (t) => {
  const h = await harness(t);
  const port = await freePort();
  h.load(manifests.alb());
  h.loop.markDirty();
  h.load(manifests.frontend(port));
  h.loop.markDirty();
  await h.clock.advance(1000);
  t.equal(h.loop.rebuilds, 0, 'markDirty before start builds nothing (a partial view)');
  await h.loop.start();
  t.equal(h.loop.rebuilds, 1);
  t.same(h.outcomes[0]?.applied?.listening, [port], 'the first config has the whole directory');
});

t.test('changes are debounced; an unchanged config is not applied again', async (t) => {
  const h = await harness(t);
  const port = await freePort();
  h.load(manifests.alb(), manifests.frontend(port));
  await h.loop.start();
  t.equal(h.applied.length, 1);
  h.load(manifests.rule('test-a', port, '/a', 'web'));
  h.loop.markDirty();
  h.loop.markDirty();
  await h.clock.advance(19);
  t.equal(h.loop.rebuilds, 1, 'held off');
  await h.clock.advance(1);
  t.equal(h.loop.rebuilds, 2, 'one rebuild for two marks');
  t.equal(h.applied.length, 2, 'a changed config is applied');
  t.equal(h.applied[1]!.listeners[0]!.rules.length, 1);
  h.loop.markDirty();
  await h.clock.advance(20);
  t.equal(h.loop.rebuilds, 3);
  t.equal(h.applied.length, 2, 'the same config (same hash) is not applied again');
  t.equal(h.outcomes[2]!.applied, null);
  t.same(h.outcomes[2]!.current?.listening, [port], 'the outcome still says what serves now');
  await h.loop.rebuild({ force: true });
  t.equal(h.applied.length, 3, 'a forced rebuild (SIGHUP) applies it anyway');
});

t.test('a build that throws is reported; the last config keeps serving; the next change retries', async (t) => {
  const h = await harness(t);
  const port = await freePort();
  h.load(manifests.alb(), manifests.frontend(port));
  await h.loop.start();
  h.buildFails.value = true;
  h.loop.markDirty();
  await h.clock.advance(20);
  t.match(h.errors, [{ message: 'the builder broke' }], 'reported, not thrown');
  t.equal(h.loop.errors, 1);
  t.equal(h.applied.length, 1, 'nothing applied');
  const answered = await get(port, '/').then(
    (r) => r.status,
    () => 0,
  );
  t.equal(answered, 404, 'the last good config keeps serving (no rule: 404)');
  h.buildFails.value = false;
  h.load(manifests.rule('test-a', port, '/a', 'web'));
  h.loop.markDirty();
  await h.clock.advance(20);
  t.equal(h.applied.length, 2, 'the next change builds and applies');
  t.equal(h.errors.length, 1);
});

t.test('a refused config keeps the previous one and is retried with backoff', async (t) => {
  const h = await harness(t);
  const port = await freePort();
  h.load(manifests.alb(), manifests.frontend(port));
  await h.loop.start();
  h.trusted.push('not-an-address');
  h.loop.markDirty();
  await h.clock.advance(20);
  t.match(h.outcomes.at(-1)?.error?.message, /not an IP address or CIDR/, 'the data plane refused it');
  t.same(h.clock.pending(), [1000], 'a retry in 1 s');
  await h.clock.advance(1000);
  await h.clock.advance(20);
  t.equal(h.applied.length, 3, 'retried although nothing changed');
  t.same(h.clock.pending(), [2000], 'then in 2 s');
  h.trusted.length = 0;
  h.loop.markDirty();
  await h.clock.advance(20);
  t.equal(h.outcomes.at(-1)?.error, null, 'back to the config that serves: nothing to apply');
  t.same(h.clock.pending(), [], 'and the retry is called off');
  h.trusted.push('bad again');
  h.loop.markDirty();
  await h.clock.advance(20);
  t.same(h.clock.pending(), [1000], 'a new failure starts the backoff over');
  h.trusted.length = 0;
  h.load(manifests.rule('test-a', port, '/a', 'web'));
  h.loop.markDirty();
  await h.clock.advance(20);
  t.equal(h.outcomes.at(-1)?.error, null, 'a good new config applies');
  t.equal(h.outcomes.at(-1)?.applied?.listening.length, 1);
  t.same(h.clock.pending(), [], 'and the retry is called off');
});

t.test('a port that is busy is retried with backoff until it opens', async (t) => {
  const h = await harness(t);
  const port = await freePort();
  const squatter = createServer();
  squatter.listen(port, '127.0.0.1');
  await once(squatter, 'listening');
  h.load(manifests.alb(), manifests.frontend(port));
  await h.loop.start();
  t.match(h.outcomes[0]?.applied?.failed, [{ port, error: /EADDRINUSE/ }]);
  t.same(h.clock.pending(), [1000]);
  await h.clock.advance(1000);
  await h.clock.advance(20);
  t.equal(h.applied.length, 2, 're-applied the same config');
  t.same(h.clock.pending(), [2000], 'still busy: backing off');
  await new Promise<void>((resolve) => squatter.close(() => resolve()));
  await h.clock.advance(2000);
  await h.clock.advance(20);
  t.same(h.outcomes.at(-1)?.applied?.failed, [], 'opened');
  t.same(h.outcomes.at(-1)?.current?.listening, [port]);
  t.same(h.clock.pending(), [], 'no more retries');
  t.equal((await get(port, '/')).status, 404, 'serving');
  t.same(h.clock.delays, [1000, 20, 2000, 20], 'the delays asked for: retries and their holdoffs');
});

t.test('stop cancels pending rebuilds and retries', async (t) => {
  const h = await harness(t);
  const port = await freePort();
  h.load(manifests.alb(), manifests.frontend(port));
  await h.loop.start();
  h.loop.markDirty();
  h.loop.stop();
  await h.clock.advance(10_000);
  t.equal(h.loop.rebuilds, 1);
  t.same(h.clock.pending(), []);
});
