// ALB actions (Alauda ALB: template/nginx/lua) end to end: redirect, rewrite, vhost, header rewrites, CORS,
// timeouts and HTTPS to the upstream.
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import type { RuleConfig } from '../src/index.ts';
import { freePort, get, group, listener, prefixRule, startBackend, startEngine } from './helpers.ts';
import { testCertificate } from './tls-fixture.ts';

async function serve(t: Test, rules: RuleConfig[]) {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, rules)], backendGroups: [group('b', backend)] });
  return { backend, port };
}

t.test('redirects', async (t) => {
  const { port } = await serve(t, [
    prefixRule('url-only', '/old', null, { redirect: { url: 'https://new.example.com/landing' } }),
    prefixRule('to-https', '/secure', null, { redirect: { scheme: 'https', code: 308 } }),
    prefixRule('prefix', '/v1', null, { redirect: { prefixMatch: '/v1', replacePrefix: '/v2', code: 301 } }),
    prefixRule('host-port', '/hp', null, { redirect: { host: 'other.example.com', port: 8443 } }),
  ]);
  const a = await get(port, '/old/page?x=1', { headers: { host: 'a.example.com' } });
  t.equal(a.status, 302, 'ALB default code 302');
  t.equal(a.headers.location, 'https://new.example.com/landing');
  const b = await get(port, '/secure/x?page=2', { headers: { host: 'a.example.com:8080' } });
  t.equal(b.status, 308);
  t.equal(b.headers.location, 'https://a.example.com/secure/x?page=2', 'host without port, query kept');
  const c = await get(port, '/v1/users/7', { headers: { host: 'api.example.com' } });
  t.equal(c.status, 301);
  t.equal(c.headers.location, 'http://api.example.com/v2/users/7');
  const d = await get(port, '/hp', { headers: { host: 'a.example.com' } });
  t.equal(d.headers.location, 'http://other.example.com:8443/hp');
});

t.test('URL rewrite: ALB rewrite_base + rewrite_target, and prefix replacement', async (t) => {
  const { backend, port } = await serve(t, [
    prefixRule('regex', '/app', 'b', { rewrite: { kind: 'regex', base: '/app/(.*)', target: '/$1' } }),
    prefixRule('whole', '/whole', 'b', { rewrite: { kind: 'regex', base: '.*', target: '/fixed' } }),
    prefixRule('prefix', '/gw', 'b', { rewrite: { kind: 'prefix', match: '/gw', replace: '/api/' } }),
    prefixRule('encoded', '/enc', 'b', { rewrite: { kind: 'regex', base: '/enc/(.*)', target: '/x/$1' } }),
  ]);
  await get(port, '/app/users/1?q=2');
  t.equal(backend.seen.at(-1)!.url, '/users/1?q=2', 'capture substituted, query kept');
  await get(port, '/whole/anything');
  t.equal(backend.seen.at(-1)!.url, '/fixed');
  await get(port, '/gw/items');
  t.equal(backend.seen.at(-1)!.url, '/api/items');
  await get(port, '/enc/a%20b');
  t.equal(backend.seen.at(-1)!.url, '/x/a%20b', 'the decoded path is re-encoded');
});

t.test('vhost and request header rewrites (set, set from variable, remove, add)', async (t) => {
  const { backend, port } = await serve(t, [
    prefixRule('r', '/', 'b', {
      vhost: 'internal.svc',
      requestHeaders: {
        headers: { 'X-Set': 'v', 'User-Agent': 'alb' },
        headersVar: { 'X-Client': 'remote_addr', 'X-Session': 'cookie_sid', 'X-Arg': 'arg_id' },
        headersRemove: ['X-Drop'],
        headersAdd: { 'X-Multi': ['1', '2'] },
        headersAddVar: { 'X-Method': ['request_method'] },
      },
    }),
  ]);
  await get(port, '/p?id=9', {
    headers: { 'user-agent': 'curl', 'x-drop': 'gone', cookie: 'sid="abc"', host: 'public.example.com' },
  });
  const seen = backend.seen.at(-1)!;
  t.equal(seen.headers.host, 'internal.svc', 'vhost replaces Host');
  t.equal(seen.headers['x-forwarded-host'], 'public.example.com', 'the original host stays visible');
  t.equal(seen.headers['x-set'], 'v');
  t.equal(seen.headers['user-agent'], 'alb', 'set replaces');
  t.equal(seen.headers['x-client'], '127.0.0.1');
  t.equal(seen.headers['x-session'], 'abc', 'cookie variables lose their quotes (ALB)');
  t.equal(seen.headers['x-arg'], '9');
  t.equal(seen.headers['x-drop'], undefined);
  t.equal(seen.headers['x-multi'], '1, 2');
  t.equal(seen.headers['x-method'], 'GET');
});

t.test('response header rewrite (set, remove, add)', async (t) => {
  const backend = await startBackend(t, 'b', (_req, res) => {
    res.writeHead(200, { server: 'app/1.0', 'x-powered-by': 'php', 'content-length': '2' });
    res.end('ok');
  });
  const port = await freePort();
  await startEngine(t, {
    listeners: [
      listener(port, [
        prefixRule('r', '/', 'b', {
          responseHeaders: {
            headers: { server: 'alb' },
            headersRemove: ['x-powered-by'],
            headersAdd: { 'x-frame-options': ['DENY'] },
          },
        }),
      ]),
    ],
    backendGroups: [group('b', backend)],
  });
  const reply = await get(port, '/');
  t.equal(reply.headers.server, 'alb');
  t.equal(reply.headers['x-powered-by'], undefined);
  t.equal(reply.headers['x-frame-options'], 'DENY');
});

t.test('CORS: preflight answered by the proxy, headers added to responses', async (t) => {
  const { backend, port } = await serve(t, [
    prefixRule('listed', '/listed', 'b', {
      cors: { allowOrigins: ['https://a.example.com', 'https://b.example.com'] },
    }),
    prefixRule('any', '/any', 'b', { cors: { allowOrigins: [], allowHeaders: 'X-Token' } }),
  ]);
  const preflight = await get(port, '/listed/x', { method: 'OPTIONS', headers: { origin: 'https://b.example.com' } });
  t.equal(preflight.status, 204);
  t.equal(preflight.headers['access-control-allow-origin'], 'https://b.example.com');
  t.equal(preflight.headers['access-control-max-age'], '1728000');
  t.equal(preflight.headers['access-control-allow-methods'], 'GET, PUT, POST, DELETE, PATCH, OPTIONS');
  t.equal(backend.seen.length, 0, 'the preflight never reached the backend');
  const denied = await get(port, '/listed/x', { headers: { origin: 'https://evil.example.com' } });
  t.equal(denied.headers['access-control-allow-origin'], undefined, 'an origin outside the list is not allowed');
  const noOrigin = await get(port, '/listed/x');
  t.equal(noOrigin.headers['access-control-allow-origin'], 'https://a.example.com, https://b.example.com');
  const any = await get(port, '/any', { headers: { origin: 'https://x.example.com' } });
  t.equal(any.headers['access-control-allow-origin'], 'https://x.example.com');
  t.equal(any.headers['access-control-allow-headers'], 'X-Token');
  t.equal(any.headers['access-control-allow-credentials'], 'true');
});

t.test('backend protocol https: TLS to the upstream', async (t) => {
  const { key, cert } = testCertificate();
  const server = createHttpsServer({ key, cert }, (req, res) => res.end(`tls:${req.url}`));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [prefixRule('tls', '/', 'secure', { backendProtocol: 'https' })])],
    backendGroups: [group('secure', { port: (server.address() as AddressInfo).port })],
  });
  const reply = await get(port, '/hello');
  t.equal(reply.status, 200);
  t.equal(reply.body, 'tls:/hello');
});

t.test('an invalid rule is skipped and reported; the others are served', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const engine = await startEngine(t, { listeners: [listener(port, [])], backendGroups: [group('b', backend)] });
  const result = await engine.apply({
    listeners: [
      listener(port, [
        prefixRule('bad-rewrite', '/bad', 'b', { rewrite: { kind: 'regex', base: '(?=x)', target: '/' } }),
        { name: 'bad-dslx', priority: 1, dslx: [{ type: 'HEADER', values: [['EQ', 'x']] }], backendGroup: 'b' },
        prefixRule('bad-var', '/var', 'b', { requestHeaders: { headersVar: { 'X-A': 'no_such_variable' } } }),
        prefixRule('good', '/', 'b'),
      ]),
    ],
    backendGroups: [group('b', backend)],
  });
  t.same(
    result.issues.map((i) => `${i.rule} ${i.field}`),
    ['bad-rewrite rewrite.base', 'bad-var requestHeaders', 'bad-dslx dslx[0].key'],
  );
  t.match(result.issues[0]!.message, /lookahead/);
  t.equal((await get(port, '/bad')).status, 200, 'served by the good rule');
});
