// No CR, LF or NUL reaches a head the proxy writes: request-derived values are taken raw where nginx takes them
// raw, a value that would still carry them is not written (and counted), and configured names and values are
// checked when the config is applied (the rule is left out, the field named).
import t from 'tap';
import { renderPrometheus, type RuleConfig } from '../src/index.ts';
import {
  freePort,
  get,
  group,
  listener,
  prefixRule,
  raw,
  startEngine,
  startRawBackend,
  statusLines,
} from './helpers.ts';

t.test('header variables cannot write CR/LF into the upstream head', async (t) => {
  const backend = await startRawBackend(t);
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [
      listener(port, [
        prefixRule('vars', '/', 'b', {
          requestHeaders: {
            headersVar: { 'X-Uri': 'uri', 'X-Arg': 'arg_q', 'X-Args': 'args' },
            headersAddVar: { 'X-Uri-Add': ['uri'] },
          },
        }),
      ]),
    ],
    backendGroups: [group('b', backend)],
  });
  const secondRequest = '%0d%0a%0d%0aGET%20/admin%20HTTP/1.1%0d%0aHost:%20a%0d%0a%0d%0a';
  const reply = await raw(
    port,
    `GET /a%0d%0aX-Injected:%20yes%00?q=${secondRequest}&r=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
    1000,
  );
  t.same(statusLines(reply.text), [200], 'the request is served');
  t.equal(backend.heads.length, 1, 'the backend read one request, not two');
  const head = backend.heads[0]!;
  t.notMatch(head, /^X-Injected/im, 'no injected line');
  t.notMatch(head, /^GET \/admin/im, 'no injected request');
  t.match(head, `\r\nX-Arg: ${secondRequest}\r\n`, '$arg_q is raw, as in nginx: percent-encoding kept');
  t.notMatch(head, /^X-Uri(-Add)?:/im, 'a decoded $uri with CR/LF is not written');
  t.match(head, /\r\nX-Args: q=%0d%0a/, '$args is raw');
  const metrics = renderPrometheus(engine.stats());
  t.match(metrics, `alb_http_unsafe_header_values_total{port="${port}"} 2`, 'both dropped values are counted');

  // The same rule with a clean path writes the header.
  await get(port, '/clean/p%20q?q=1');
  t.match(backend.heads.at(-1)!, /\r\nX-Uri: \/clean\/p q\r\n/, 'a clean decoded $uri is written');
  t.match(backend.heads.at(-1)!, /\r\nX-Arg: 1\r\n/);
});

t.test('a decoded $uri with a non-latin1 character never becomes a raw control byte', async (t) => {
  const backend = await startRawBackend(t);
  const port = await freePort();
  await startEngine(t, {
    listeners: [listener(port, [prefixRule('vars', '/', 'b', { requestHeaders: { headersVar: { 'X-Uri': 'uri' } } })])],
    backendGroups: [group('b', backend)],
  });
  // U+010A is "\u010a": written as latin1 it would be the byte 0x0A (LF).
  await raw(port, 'GET /x%C4%8AX-Injected:%20yes HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 1000);
  t.equal(backend.heads.length, 1);
  t.notMatch(backend.heads[0]!, /^X-Injected/im);
  t.match(
    backend.received[0]!,
    /\r\nX-Uri: \/x\xc4\x8aX-Injected: yes\r\n/,
    'written as its UTF-8 bytes, as nginx does',
  );
});

t.test('configured names and values that could break a head leave their rule out, naming the field', async (t) => {
  const backend = await startRawBackend(t);
  const port = await freePort();
  const rule = (name: string, extra: Partial<RuleConfig>) => prefixRule(name, `/${name}`, 'b', extra);
  const engine = await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  const result = await engine.apply({
    listeners: [
      listener(
        port,
        [
          rule('req-value', { requestHeaders: { headers: { 'X-A': 'v\r\nX-B: w' } } }),
          rule('req-name', { requestHeaders: { headers: { 'X A': 'v' } } }),
          rule('req-add', { requestHeaders: { headersAdd: { 'X-A': ['ok', 'bad\0'] } } }),
          rule('req-var-name', { requestHeaders: { headersVar: { 'X-A\n': 'uri' } } }),
          rule('req-remove', { requestHeaders: { headersRemove: ['X-A\r\n'] } }),
          rule('req-framing', { requestHeaders: { headers: { 'Content-Length': '0' } } }),
          rule('res-value', { responseHeaders: { headersAdd: { 'X-C': ['a\nb'] } } }),
          rule('res-framing', { responseHeaders: { headers: { 'Transfer-Encoding': 'chunked' } } }),
          rule('vhost', { vhost: 'a\r\nX-B: c' }),
          rule('redirect-url', { backendGroup: null, redirect: { url: 'https://x.example/\r\nSet-Cookie: a=b' } }),
          rule('redirect-host', { backendGroup: null, redirect: { host: 'x.example\r\nA: b' } }),
          rule('redirect-scheme', { backendGroup: null, redirect: { scheme: 'https://evil/?' } }),
          rule('cors-headers', { cors: { allowOrigins: [], allowHeaders: 'X-A\r\nX-B: c' } }),
          rule('cors-origins', { cors: { allowOrigins: ['https://a.example\r\nX-B: c'] } }),
          rule('good', {}),
        ],
        'b',
      ),
    ],
    backendGroups: [group('b', backend)],
  });
  t.same(result.issues.map((i) => `${i.rule} ${i.field}`).sort(), [
    'cors-headers cors.allowHeaders',
    'cors-origins cors.allowOrigins[0]',
    'redirect-host redirect.host',
    'redirect-scheme redirect.scheme',
    'redirect-url redirect.url',
    'req-add requestHeaders.headersAdd["X-A"][1]',
    'req-framing requestHeaders.headers["Content-Length"]',
    'req-name requestHeaders.headers["X A"]',
    'req-remove requestHeaders.headersRemove[0]',
    'req-value requestHeaders.headers["X-A"]',
    'req-var-name requestHeaders.headersVar["X-A\\n"]',
    'res-framing responseHeaders.headers["Transfer-Encoding"]',
    'res-value responseHeaders.headersAdd["X-C"][0]',
    'vhost vhost',
  ]);
  for (const name of ['req-value', 'vhost', 'redirect-url', 'cors-headers']) {
    const reply = await get(port, `/${name}`);
    t.equal(reply.headers['x-b'], undefined, `${name}: nothing injected`);
    t.equal(reply.body, `GET /${name} HTTP/1.1`, `${name}: left out, so the default backend answers`);
  }
  t.equal((await get(port, '/good')).status, 200, 'the good rule is served');
});
