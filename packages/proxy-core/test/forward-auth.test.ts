import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { startFixtureProcess } from './auth-process.ts';
import { get, group, listener, prefixRule, raw, startBackend, startEngine, freePort, statusLines } from './helpers.ts';
import type { ForwardAuthConfig, RuleConfig } from '../src/index.ts';

/**
 * Forward auth against a real auth service running in its own process on loopback: allow (with response headers
 * copied upstream), deny (401, 403, signin redirect), other statuses, a service that never answers, one that is
 * down, variables in the URL, and what the auth service is told about the request.
 */
t.test('forward auth', async (t) => {
  const authService = await startFixtureProcess(t, 'forward-auth-server.ts');
  const authBase = `http://127.0.0.1:${authService.port}`;
  const backend = await startBackend(t, 'app');
  const downPort = await freePort();
  const port = await freePort();
  const rule = (name: string, auth: Omit<ForwardAuthConfig, 'kind'>, extra: Partial<RuleConfig> = {}) =>
    prefixRule(name, `/${name}`, 'app', { auth: { kind: 'forward', ...auth }, ...extra });
  const config = {
    backendGroups: [group('app', backend)],
    listeners: [
      listener(port, [
        rule('allow', { url: `${authBase}/allow`, responseHeaders: ['X-Auth-User', 'X-Auth-Groups'] }),
        rule('token', { url: `${authBase}/token`, responseHeaders: ['X-Auth-User'] }),
        rule('deny401', { url: `${authBase}/deny401` }),
        rule('signin', { url: `${authBase}/deny401`, signin: 'https://login.example/start' }),
        rule('signin-param', {
          url: `${authBase}/deny401`,
          signin: 'https://login.example/start?app=$host',
          signinRedirectParam: 'next',
          alwaysSetCookie: true,
        }),
        rule('deny403', { url: `${authBase}/deny403`, alwaysSetCookie: true }),
        rule('teapot', { url: `${authBase}/teapot` }),
        rule('slow', { url: `${authBase}/slow`, readTimeoutMs: 300 }),
        rule('down', { url: `http://127.0.0.1:${downPort}/allow` }),
        rule('vars', { url: `${authBase}/allow?host=$host&uri=$escaped_request_uri`, method: 'POST' }),
        rule('missing-var', { url: `${authBase}/allow?c=$cookie_session` }),
        rule('extra', {
          url: `${authBase}/allow`,
          requestHeaders: { 'X-Tenant': 'blue', 'X-From-Host': '$host' },
          requestRedirect: 'https://$host/back',
        }),
        prefixRule('open', '/open', 'app'),
      ]),
    ],
  };
  const engine = await startEngine(t, config);
  t.same((await engine.apply(config)).issues, [], 'every rule compiled');

  await t.test('2xx passes, copying only the configured auth response headers', async (t) => {
    const r = await get(port, '/allow/x?q=1', { headers: { host: 'shop.example', 'x-auth-user': 'mallory' } });
    t.equal(r.status, 200);
    const seen = backend.seen.at(-1)!;
    t.equal(seen.url, '/allow/x?q=1');
    t.equal(seen.headers['x-auth-user'], 'alice', "the auth service's value, never the client's");
    t.equal(seen.headers['x-auth-groups'], 'dev');
    t.equal(seen.headers['x-other'], undefined, 'headers not listed are not copied');
  });

  await t.test('a client cannot pass an auth header upstream when the auth service sets none', async (t) => {
    const before = backend.seen.length;
    const ok = await get(port, '/token', { headers: { authorization: 'Bearer good', 'x-auth-user': 'mallory' } });
    t.equal(ok.status, 200);
    t.equal(backend.seen.length, before + 1);
    t.equal(backend.seen.at(-1)!.headers['x-auth-user'], 'bob');
    const bad = await get(port, '/token', { headers: { authorization: 'Bearer bad' } });
    t.equal(bad.status, 401);
    t.equal(bad.headers['www-authenticate'], 'Bearer realm="api"', "the auth service's challenge is passed on");
    t.equal(backend.seen.length, before + 1, 'a denied request never reaches the upstream');
  });

  await t.test('what the auth service is told', async (t) => {
    await get(port, '/allow/path?a=b', {
      headers: { host: 'shop.example', cookie: 'c=1', 'x-forwarded-for': '6.6.6.6', 'content-type': 'text/x' },
      method: 'PUT',
      body: 'payload',
    });
    const last = JSON.parse((await get(authService.port, '/__last')).body) as {
      method: string;
      headers: Record<string, string>;
    };
    t.equal(last.method, 'GET', 'the configured method (default GET), not the client’s');
    t.equal(last.headers['x-original-url'], 'http://shop.example/allow/path?a=b');
    t.equal(last.headers['x-original-uri'], '/allow/path?a=b');
    t.equal(last.headers['x-original-method'], 'PUT');
    t.equal(last.headers['x-scheme'], 'http');
    t.equal(last.headers['x-sent-from'], 'alb');
    t.equal(last.headers['x-real-ip'], '127.0.0.1');
    t.equal(last.headers['x-forwarded-for'], '127.0.0.1', 'an untrusted client’s X-Forwarded-For is not passed');
    t.equal(last.headers['x-auth-request-redirect'], '/allow/path?a=b');
    t.equal(last.headers['cookie'], 'c=1', 'client headers are passed');
    t.equal(last.headers['content-type'], 'text/x');
    t.equal(last.headers['content-length'], undefined, 'no body goes to the auth service');
    t.equal(last.headers['host'], `127.0.0.1:${authService.port}`, 'Host is the auth service’s');
    t.equal(backend.seen.at(-1)!.body, 'payload', 'the body still reaches the upstream after the check');
  });

  await t.test('configured headers and variables', async (t) => {
    t.equal((await get(port, '/extra', { headers: { host: 'a.example' } })).status, 200);
    let last = JSON.parse((await get(authService.port, '/__last')).body) as {
      url: string;
      headers: Record<string, string>;
    };
    t.equal(last.headers['x-tenant'], 'blue');
    t.equal(last.headers['x-from-host'], 'a.example');
    t.equal(last.headers['x-auth-request-redirect'], 'https://a.example/back');
    t.equal((await get(port, '/vars/a b?x=1'.replace(' ', '%20'), { headers: { host: 'v.example' } })).status, 200);
    last = JSON.parse((await get(authService.port, '/__last')).body) as {
      url: string;
      headers: Record<string, string>;
    };
    t.equal(last.url, `/allow?host=v.example&uri=${encodeURIComponent('/vars/a%20b?x=1')}`);
  });

  await t.test('401 and 403 are answered; signin redirects with the original URL', async (t) => {
    const r401 = await get(port, '/deny401');
    t.equal(r401.status, 401);
    t.equal(r401.headers['www-authenticate'], 'Bearer realm="test"');
    t.equal(r401.headers['set-cookie'], undefined, 'Set-Cookie only with alwaysSetCookie');
    t.match(r401.headers['x-alb-err-reason'], /AuthFail/);
    const r302 = await get(port, '/signin/p?x=1', { headers: { host: 'shop.example' } });
    t.equal(r302.status, 302);
    t.equal(
      r302.headers.location,
      `https://login.example/start?rd=${encodeURIComponent('http://shop.example/signin/p?x=1')}`,
    );
    const custom = await get(port, '/signin-param', { headers: { host: 'b.example' } });
    t.equal(custom.status, 302);
    t.equal(
      custom.headers.location,
      `https://login.example/start?app=b.example&next=${encodeURIComponent('http://b.example/signin-param')}`,
    );
    t.same(custom.headers['set-cookie'], ['session=gone; Path=/']);
    const r403 = await get(port, '/deny403');
    t.equal(r403.status, 403);
    t.same(r403.headers['set-cookie'], ['seen=1']);
  });

  await t.test('anything else fails closed', async (t) => {
    const before = backend.seen.length;
    const teapot = await get(port, '/teapot');
    t.equal(teapot.status, 500, 'an unexpected status is 500');
    t.match(teapot.headers['x-alb-err-reason'], /auth service answered 418/);
    const slow = await get(port, '/slow');
    t.equal(slow.status, 503, 'a service that does not answer in time is 503');
    t.match(slow.headers['x-alb-err-reason'], /timed out/);
    const down = await get(port, '/down');
    t.equal(down.status, 503, 'a service that is down is 503');
    const missing = await get(port, '/missing-var');
    t.equal(missing.status, 500, 'a URL variable the request lacks fails closed');
    t.equal(backend.seen.length, before, 'none of them reached the upstream');
    t.equal((await get(port, '/open')).status, 200, 'a route without auth is unaffected');
  });

  await t.test('keep-alive: a denied request with a body, then an allowed one on the same connection', async (t) => {
    const text = (
      await raw(
        port,
        'POST /deny403 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello' +
          'GET /allow HTTP/1.1\r\nHost: a\r\n\r\n',
        800,
      )
    ).text;
    t.same(statusLines(text), [403, 200]);
  });
});

t.test('a forward auth config that cannot be honoured leaves the rule out', async (t) => {
  const port = await freePort();
  const config = {
    backendGroups: [],
    listeners: [
      listener(port, [
        prefixRule('bad-var', '/a', null, { auth: { kind: 'forward', url: 'http://auth/$no_such_var' } }),
        prefixRule('bad-url', '/b', null, { auth: { kind: 'forward', url: 'ftp://auth/' } }),
        prefixRule('bad-copy', '/c', null, {
          auth: { kind: 'forward', url: 'http://auth/', responseHeaders: ['Content-Length'] },
        }),
      ]),
    ],
  };
  const engine = await startEngine(t, config);
  const issues = (await engine.apply(config)).issues;
  t.same(
    issues.map((i) => [i.rule, i.field]),
    [
      ['bad-var', 'auth.url'],
      ['bad-url', 'auth.url'],
      ['bad-copy', 'auth.responseHeaders'],
    ],
  );
  t.equal((await get(port, '/a')).status, 404, 'the rule is not served at all');
});

// Regression: the connection reads the clock once per event; a verdict that arrives later must not set upstream
// deadlines from the time the request came in (they would already have passed: 504 from a healthy upstream).
t.test('a late auth verdict gives the upstream its full read timeout', async (t) => {
  const authService = await startFixtureProcess(t, 'forward-auth-server.ts');
  // Answers after 200 ms: inside the route's 400 ms read timeout counted from when it was asked, not from when
  // the client's request arrived 600 ms earlier.
  const lateBackend = createServer((_req, res) => setTimeout(() => res.end('late'), 200));
  lateBackend.listen(0, '127.0.0.1');
  await once(lateBackend, 'listening');
  t.teardown(() => lateBackend.close());
  const port = await freePort();
  const config = {
    backendGroups: [group('late', { port: (lateBackend.address() as AddressInfo).port })],
    listeners: [
      listener(port, [
        prefixRule('late', '/late', 'late', {
          auth: { kind: 'forward', url: `http://127.0.0.1:${authService.port}/allow-late` },
          timeouts: { readMs: 400 },
        }),
      ]),
    ],
  };
  const engine = await startEngine(t, config);
  t.same((await engine.apply(config)).issues, []);
  // The second request takes the pooled connection the first one left: its read deadline is set at once.
  for (const round of ['new upstream connection', 'pooled upstream connection']) {
    const r = await get(port, '/late/x');
    t.equal(r.status, 200, round);
    t.equal(r.body.toString(), 'late', round);
  }
});
