// Balancers: exact orders and ratios over many picks (as undici's balanced-pool table), consistent hashing that
// moves few keys, affinity, ALB's weight arithmetic, passive health and the one retry, on real sockets.
import { RequestView } from '@alb/dslx';
import t from 'tap';
import { Balancer } from '../src/balancer/balancer.ts';
import { createEndpoint, UpstreamTarget, type Endpoint } from '../src/balancer/endpoint.ts';
import { spreadServiceWeights } from '../src/index.ts';
import { freePort, get, group, listener, startBackend, startEngine } from './helpers.ts';

const poolOptions = { maxIdle: 1, idleTimeoutMs: 1000 };
const endpoint = (name: string, weight: number): Endpoint =>
  createEndpoint(new UpstreamTarget(`10.0.0.${name.charCodeAt(0) - 96}`, 80, poolOptions), weight);
const nameOf = (e: Endpoint) => String.fromCharCode(Number(e.target.address.split('.')[3]) + 96);
const ctx = (headers: Record<string, string> = {}, clientIp = '10.1.1.1') => ({
  view: new RequestView({ method: 'GET', url: '/', headers, remoteAddress: clientIp }),
  clientIp,
});
const healthy = () => false;

t.test('smooth weighted round robin: nginx order and exact ratios', async (t) => {
  const b = new Balancer('round-robin', [endpoint('a', 5), endpoint('b', 1), endpoint('c', 1)], null);
  const order = Array.from({ length: 7 }, () => nameOf(b.pick(ctx(), null, healthy)!.endpoint)).join('');
  t.equal(order, 'aabacaa', 'interleaved, not in bursts');
  const counts: Record<string, number> = {};
  for (let i = 0; i < 7000; i++) {
    const n = nameOf(b.pick(ctx(), null, healthy)!.endpoint);
    counts[n] = (counts[n] ?? 0) + 1;
  }
  t.same(counts, { a: 5000, b: 1000, c: 1000 });
});

t.test('weight 0 endpoints are never chosen; no endpoints gives null', async (t) => {
  const b = new Balancer('round-robin', [endpoint('a', 0), endpoint('b', 3)], null);
  for (let i = 0; i < 10; i++) t.equal(nameOf(b.pick(ctx(), null, healthy)!.endpoint), 'b');
  t.equal(new Balancer('round-robin', [], null).pick(ctx(), null, healthy), null);
});

t.test('down and excluded endpoints are skipped while others are up; if all are down one is tried', async (t) => {
  const endpoints = [endpoint('a', 1), endpoint('b', 1), endpoint('c', 1)];
  const b = new Balancer('round-robin', endpoints, null);
  const aDown = (e: Endpoint) => nameOf(e) === 'a';
  for (let i = 0; i < 10; i++) t.not(nameOf(b.pick(ctx(), endpoints[1]!, aDown)!.endpoint), 'a');
  for (let i = 0; i < 10; i++) t.equal(nameOf(b.pick(ctx(), endpoints[1]!, aDown)!.endpoint), 'c', 'b excluded too');
  t.ok(
    b.pick(ctx(), null, () => true),
    'all down: still an answer',
  );
});

t.test('sip-hash: the same client always lands on the same endpoint, and removal moves only its keys', async (t) => {
  const endpoints = ['a', 'b', 'c', 'd'].map((n) => endpoint(n, 10));
  const before = new Balancer('sip-hash', endpoints, null);
  const after = new Balancer('sip-hash', endpoints.slice(0, 3), null);
  let moved = 0;
  let onD = 0;
  let unstable = 0;
  const spread: Record<string, number> = {};
  for (let i = 0; i < 4000; i++) {
    const ip = `192.168.${i >> 8}.${i & 255}`;
    const first = nameOf(before.pick(ctx({}, ip), null, healthy)!.endpoint);
    if (nameOf(before.pick(ctx({}, ip), null, healthy)!.endpoint) !== first) unstable++;
    spread[first] = (spread[first] ?? 0) + 1;
    const second = nameOf(after.pick(ctx({}, ip), null, healthy)!.endpoint);
    if (first === 'd') onD++;
    else if (second !== first) moved++;
  }
  t.equal(unstable, 0, 'the same client IP always picks the same endpoint');
  t.equal(moved, 0, 'keys of the remaining endpoints did not move');
  for (const n of ['a', 'b', 'c', 'd']) t.ok(spread[n]! > 800 && spread[n]! < 1200, `balanced: ${n} got ${spread[n]}`);
  t.ok(onD > 0);
});

t.test('cookie affinity: a new client gets a cookie, and the cookie pins it', async (t) => {
  const endpoints = ['a', 'b', 'c'].map((n) => endpoint(n, 1));
  const b = new Balancer('cookie', endpoints, 'ROUTE');
  const first = b.pick(ctx(), null, healthy)!;
  t.match(first.setCookie, /^[0-9a-f]{32}$/);
  t.equal(b.affinityCookieName, 'ROUTE');
  for (let i = 0; i < 20; i++) {
    const again = b.pick(ctx({ cookie: `ROUTE=${first.setCookie}` }), null, healthy)!;
    t.equal(again.endpoint, first.endpoint);
    t.equal(again.setCookie, null);
  }
  t.equal(new Balancer('cookie', endpoints, null).affinityCookieName, 'JSESSIONID', "ALB's default cookie");
});

t.test('header affinity: same header value, same endpoint; no header falls back to round robin', async (t) => {
  const endpoints = ['a', 'b', 'c'].map((n) => endpoint(n, 1));
  const b = new Balancer('header', endpoints, 'X-User');
  const pinned = b.pick(ctx({ 'x-user': 'alice' }), null, healthy)!.endpoint;
  for (let i = 0; i < 10; i++) t.equal(b.pick(ctx({ 'x-user': 'alice' }), null, healthy)!.endpoint, pinned);
  const seen = new Set(Array.from({ length: 3 }, () => nameOf(b.pick(ctx(), null, healthy)!.endpoint)));
  t.equal(seen.size, 3);
});

t.test("ALB's weight arithmetic: service weights spread over their endpoints", async (t) => {
  const e = (n: number) => Array.from({ length: n }, (_, i) => ({ address: `10.0.0.${i}`, port: 80 }));
  t.same(
    spreadServiceWeights([{ weight: 100, endpoints: e(1) }]).map((x) => x.weight),
    [100],
  );
  t.same(
    spreadServiceWeights([{ weight: 100, endpoints: e(3) }]).map((x) => x.weight),
    [33, 33, 33],
  );
  t.same(
    spreadServiceWeights([
      { weight: 50, endpoints: e(2) },
      { weight: 50, endpoints: e(1) },
    ]).map((x) => x.weight),
    [25, 25, 50],
  );
  t.same(
    spreadServiceWeights([{ weight: 1, endpoints: e(200) }])
      .slice(0, 1)
      .map((x) => x.weight),
    [1],
    'at least 1 when the weight is positive',
  );
  t.same(
    spreadServiceWeights([
      { weight: 0, endpoints: e(1) },
      { weight: 300, endpoints: e(1) },
    ]).map((x) => x.weight),
    [0, 100],
    'clamped to [0, 100]',
  );
  t.same(
    spreadServiceWeights([{ weight: 0, endpoints: e(2) }]).map((x) => x.weight),
    [0, 0],
  );
  t.same(spreadServiceWeights([{ weight: 10, endpoints: [] }]), []);
});

t.test('a refused endpoint: the request is retried once on another, and the endpoint rests', async (t) => {
  const live = await startBackend(t, 'live');
  const dead = await freePort();
  const port = await freePort();
  const engine = await startEngine(
    t,
    { listeners: [listener(port, [], 'g')], backendGroups: [group('g', { port: dead }, live)] },
    { failCooldownMs: 60_000 },
  );
  for (let i = 0; i < 10; i++) {
    const reply = await get(port, `/${i}`);
    t.equal(reply.status, 200, `request ${i} served`);
  }
  t.equal(live.seen.length, 10);
  const stats = engine.stats();
  t.equal(stats.listeners[0]!.upstreamErrors, 1, 'the dead endpoint was tried once, then rested');
});

t.test('every endpoint refusing: one retry, then 502', async (t) => {
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [], 'g')],
    backendGroups: [group('g', { port: await freePort() }, { port: await freePort() })],
  });
  const reply = await get(port, '/');
  t.equal(reply.status, 502);
});

t.test('balancing across real backends follows the weights', async (t) => {
  const a = await startBackend(t, 'a');
  const b = await startBackend(t, 'b');
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [], 'g')],
    backendGroups: [group('g', { port: a.port, weight: 3 }, { port: b.port, weight: 1 })],
  });
  for (let i = 0; i < 40; i++) await get(port, '/');
  t.equal(a.seen.length, 30);
  t.equal(b.seen.length, 10);
});
