// Routing through a real engine on real sockets: rules, default backend and ALB's error semantics.
import t from 'tap';
import { freePort, get, group, listener, prefixRule, startBackend, startEngine } from './helpers.ts';

t.test('rules route by DSLX, the default backend takes the rest', async (t) => {
  const api = await startBackend(t, 'api');
  const web = await startBackend(t, 'web');
  const port = await freePort();
  await startEngine(t, {
    listeners: [
      listener(
        port,
        [
          prefixRule('api', '/api', 'api'),
          {
            name: 'shop',
            priority: 5,
            dslx: [{ type: 'HOST', values: [['EQ', 'shop.example.com']] }],
            backendGroup: 'web',
          },
        ],
        'web',
      ),
    ],
    backendGroups: [group('api', api), group('web', web)],
  });
  const r1 = await get(port, '/api/users?x=1');
  t.equal(r1.status, 200);
  t.equal(r1.headers['x-backend'], 'api');
  t.equal(JSON.parse(r1.body).url, '/api/users?x=1', 'the target goes upstream unchanged');
  const r2 = await get(port, '/other');
  t.equal(r2.headers['x-backend'], 'web', 'default backend');
  const r3 = await get(port, '/api/x', { headers: { host: 'shop.example.com' } });
  t.equal(r3.headers['x-backend'], 'web', 'host rule outranks the path rule');
});

t.test('no matching rule and no default backend: 404 with X-ALB-ERR-REASON', async (t) => {
  const api = await startBackend(t, 'api');
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [prefixRule('api', '/api', 'api')])],
    backendGroups: [group('api', api)],
  });
  const r = await get(port, '/nope');
  t.equal(r.status, 404);
  t.equal(r.headers['x-alb-err-reason'], 'InvalidUpstream : no rule match');
});

t.test('a rule without endpoints: 500 with X-ALB-ERR-REASON', async (t) => {
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [prefixRule('empty', '/', 'empty'), prefixRule('none', '/none', null)])],
    backendGroups: [{ name: 'empty', policy: 'round-robin', endpoints: [] }],
  });
  const r = await get(port, '/x');
  t.equal(r.status, 500);
  t.match(r.headers['x-alb-err-reason'], /InvalidBalancer/);
  t.equal((await get(port, '/none')).status, 500, 'a rule with no backend group');
});

t.test('refused upstream: 502; the error names the reason', async (t) => {
  const dead = await freePort();
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'dead')], backendGroups: [group('dead', { port: dead })] });
  const r = await get(port, '/');
  t.equal(r.status, 502);
  t.match(r.headers['x-alb-err-reason'], /connection refused/);
});

t.test('upstream timeout: 504', async (t) => {
  const slow = await startBackend(t, 'slow', () => {
    /* never answers */
  });
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [prefixRule('slow', '/', 'slow', { timeouts: { readMs: 200 } })])],
    backendGroups: [group('slow', slow)],
  });
  const r = await get(port, '/');
  t.equal(r.status, 504);
  t.match(r.headers['x-alb-err-reason'], /timed out/);
});
