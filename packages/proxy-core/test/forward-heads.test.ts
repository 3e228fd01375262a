// The heads a proxied exchange writes, as tables: request head in, upstream head out; upstream response head in,
// client head out. No sockets: the module is pure over the parsed heads and the compiled route.
import t from 'tap';
import { compileCors } from '../src/actions/cors.ts';
import { compileRequestHeaderRewrite, compileResponseHeaderRewrite } from '../src/actions/header-rewrite.ts';
import { compileRewrite } from '../src/actions/rewrite.ts';
import type { RouteConfig } from '../src/config.ts';
import { defaultLimits } from '../src/http/limits.ts';
import { parseResponseHead } from '../src/http/response-head.ts';
import {
  buildClientHead,
  buildTunnelHead,
  buildUpstreamHead,
  forwardsRequestField,
  forwardsResponseField,
  originFormTarget,
  type HeadRoute,
} from '../src/proxy/forward-heads.ts';
import { requestContext } from './helpers.ts';

function route(config: Partial<RouteConfig> = {}): HeadRoute {
  return {
    rewrite: compileRewrite(config.rewrite),
    vhost: config.vhost ?? null,
    requestHeaders: compileRequestHeaderRewrite(config.requestHeaders, () => {
      throw new Error('unknown variable');
    }),
    responseHeaders: compileResponseHeaderRewrite(config.responseHeaders),
    cors: compileCors(config.cors),
  };
}

const forwarded = 'X-Real-IP: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Proto: http\r\n';

type UpstreamCase = {
  name: string;
  request: string;
  route?: Partial<RouteConfig>;
  peerTrusted?: boolean;
  chunked?: boolean;
  want: string;
  unsafe?: number;
};

const upstreamCases: UpstreamCase[] = [
  {
    name: 'plain GET: Host first, client fields byte for byte, then X-Forwarded-*',
    request: 'GET /a?b=1 HTTP/1.1\r\nHost: app.example\r\nAccept: */*\r\nuSER-agent: x\r\n\r\n',
    want: `GET /a?b=1 HTTP/1.1\r\nHost: app.example\r\nAccept: */*\r\nuSER-agent: x\r\n${forwarded}X-Forwarded-Host: app.example\r\nX-Forwarded-Port: 8080\r\n\r\n`,
  },
  {
    name: 'hop-by-hop fields and those named in Connection are removed',
    request:
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Private\r\nX-Private: p\r\nKeep-Alive: 5\r\nTE: trailers\r\nProxy-Connection: x\r\nX-Public: q\r\n\r\n',
    want: `GET / HTTP/1.1\r\nHost: a\r\nX-Public: q\r\n${forwarded}X-Forwarded-Host: a\r\nX-Forwarded-Port: 8080\r\n\r\n`,
  },
  {
    name: 'Connection cannot remove Content-Length (smuggling)',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nConnection: content-length, host\r\nContent-Length: 5\r\n\r\n',
    want: `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n${forwarded}X-Forwarded-Host: a\r\nX-Forwarded-Port: 8080\r\n\r\n`,
  },
  {
    name: 'chunked bodies are re-framed: the client TE is dropped, ours added',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n',
    chunked: true,
    want: `POST / HTTP/1.1\r\nHost: a\r\n${forwarded}X-Forwarded-Host: a\r\nX-Forwarded-Port: 8080\r\nTransfer-Encoding: chunked\r\n\r\n`,
  },
  {
    name: 'client X-Forwarded-* are replaced when the peer is not trusted',
    request:
      'GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil\r\n\r\n',
    want: `GET / HTTP/1.1\r\nHost: a\r\n${forwarded}X-Forwarded-Host: a\r\nX-Forwarded-Port: 8080\r\n\r\n`,
  },
  {
    name: 'kept and extended from a trusted peer',
    request:
      'GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: pub\r\nX-Forwarded-Port: 443\r\n\r\n',
    peerTrusted: true,
    want: 'GET / HTTP/1.1\r\nHost: a\r\nX-Real-IP: 10.0.0.1\r\nX-Forwarded-For: 203.0.113.7, 10.0.0.1\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: pub\r\nX-Forwarded-Port: 443\r\n\r\n',
  },
  {
    name: 'absolute-form goes upstream in origin-form; vhost replaces Host',
    request: 'GET http://abs.example/p?q HTTP/1.1\r\nHost: other\r\n\r\n',
    route: { vhost: 'internal.svc' },
    want: `GET /p?q HTTP/1.1\r\nHost: internal.svc\r\n${forwarded}X-Forwarded-Host: abs.example\r\nX-Forwarded-Port: 8080\r\n\r\n`,
  },
  {
    name: 'rewritten path is re-encoded, query kept raw',
    request: 'GET /app/a%20b%0d%0a?x=%0d HTTP/1.1\r\nHost: a\r\n\r\n',
    route: { rewrite: { kind: 'regex', base: '/app/(.*)', target: '/$1' } },
    want: `GET /a%20b%0D%0A?x=%0d HTTP/1.1\r\nHost: a\r\n${forwarded}X-Forwarded-Host: a\r\nX-Forwarded-Port: 8080\r\n\r\n`,
  },
  {
    name: 'header rewrite: set replaces the proxy’s own X-Forwarded-Proto, remove and add',
    request: 'GET /p?id=%0d%0a HTTP/1.1\r\nHost: a\r\nX-Drop: 1\r\n\r\n',
    route: {
      requestHeaders: {
        headers: { 'X-Forwarded-Proto': 'https' },
        headersVar: { 'X-Arg': 'arg_id' },
        headersRemove: ['x-drop'],
        headersAdd: { 'X-Add': ['1'] },
      },
    },
    want: 'GET /p?id=%0d%0a HTTP/1.1\r\nHost: a\r\nX-Real-IP: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Host: a\r\nX-Forwarded-Port: 8080\r\nX-Forwarded-Proto: https\r\nX-Arg: %0d%0a\r\nX-Add: 1\r\n\r\n',
  },
  {
    name: 'a variable that decodes to CR/LF is not written, and counted',
    request: 'GET /a%0d%0aX-Injected:%20yes HTTP/1.1\r\nHost: a\r\n\r\n',
    route: { requestHeaders: { headersVar: { 'X-Uri': 'uri' }, headersAddVar: { 'X-Uri2': ['uri'] } } },
    want: `GET /a%0d%0aX-Injected:%20yes HTTP/1.1\r\nHost: a\r\n${forwarded}X-Forwarded-Host: a\r\nX-Forwarded-Port: 8080\r\n\r\n`,
    unsafe: 2,
  },
  {
    name: 'an upgrade keeps Connection: upgrade and Upgrade',
    request: 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    want: `GET /ws HTTP/1.1\r\nHost: a\r\n${forwarded}X-Forwarded-Host: a\r\nX-Forwarded-Port: 8080\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n`,
  },
];

t.test('buildUpstreamHead', async (t) => {
  for (const c of upstreamCases) {
    const stats = { unsafeHeaderValues: 0 };
    const out = buildUpstreamHead(
      requestContext(c.request),
      route(c.route),
      '10.0.0.1',
      c.peerTrusted ?? false,
      c.chunked ?? false,
      stats,
    );
    t.equal(out.toString('latin1'), c.want, c.name);
    t.equal(stats.unsafeHeaderValues, c.unsafe ?? 0, `${c.name}: refused values counted`);
  }
});

type ClientCase = {
  name: string;
  response: string;
  request?: string;
  route?: Partial<RouteConfig>;
  close?: boolean;
  chunked?: boolean;
  cookie?: string;
  want: string;
  unsafe?: number;
};

const clientCases: ClientCase[] = [
  {
    name: 'status line and end-to-end fields byte for byte; hop-by-hop removed',
    response:
      'HTTP/1.1 200 Fine\r\nServer: s\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n',
    want: 'HTTP/1.1 200 Fine\r\nServer: s\r\nContent-Length: 2\r\n\r\n',
  },
  {
    name: 'an HTTP/1.0 status line is answered as HTTP/1.1, its reason phrase kept',
    response: 'HTTP/1.0 404 Not Here\r\nServer: s\r\nContent-Length: 0\r\n\r\n',
    want: 'HTTP/1.1 404 Not Here\r\nServer: s\r\nContent-Length: 0\r\n\r\n',
  },
  {
    name: 'a status line without a reason phrase gets the separating space',
    response: 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n',
    want: 'HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n',
  },
  {
    name: 'a status line with an empty reason phrase and no fields',
    response: 'HTTP/1.1 204 \r\n\r\n',
    want: 'HTTP/1.1 204 \r\n\r\n',
  },
  {
    name: 'Connection cannot remove Content-Length from a response',
    response: 'HTTP/1.1 200 OK\r\nConnection: content-length\r\nContent-Length: 5\r\n\r\n',
    want: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n',
  },
  {
    name: 'closing and re-chunking',
    response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    close: true,
    chunked: true,
    want: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
  },
  {
    name: 'an HTTP/1.0 client kept alive is told so',
    request: 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
    response: 'HTTP/1.1 204 No Content\r\n\r\n',
    want: 'HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n',
  },
  {
    name: 'response rewrite, CORS and the affinity cookie',
    request: 'GET / HTTP/1.1\r\nHost: a\r\nOrigin: https://a.example\r\n\r\n',
    response: 'HTTP/1.1 200 OK\r\nServer: s\r\nX-Powered-By: php\r\nContent-Length: 0\r\n\r\n',
    route: {
      responseHeaders: { headers: { Server: 'alb' }, headersRemove: ['x-powered-by'] },
      cors: { allowOrigins: ['https://a.example'] },
    },
    cookie: 'JSESSIONID=abc',
    want: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nServer: alb\r\nAccess-Control-Allow-Origin: https://a.example\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\nAccess-Control-Allow-Methods: GET, PUT, POST, DELETE, PATCH, OPTIONS\r\nAccess-Control-Allow-Headers: DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Authorization\r\nSet-Cookie: JSESSIONID=abc; Path=/; HttpOnly\r\n\r\n',
  },
  {
    name: 'CORS without a list: *, no credentials',
    request: 'GET / HTTP/1.1\r\nHost: a\r\nOrigin: http://evil.example\r\n\r\n',
    response: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    route: { cors: { allowOrigins: [], allowHeaders: 'X-T' } },
    want: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: GET, PUT, POST, DELETE, PATCH, OPTIONS\r\nAccess-Control-Allow-Headers: X-T\r\n\r\n',
  },
  {
    name: 'an unsafe affinity cookie is not written, and counted',
    response: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    cookie: 'a=b\r\nX: y',
    want: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    unsafe: 1,
  },
];

t.test('buildClientHead', async (t) => {
  for (const c of clientCases) {
    const stats = { unsafeHeaderValues: 0 };
    const buf = Buffer.from(c.response, 'latin1');
    const response = parseResponseHead(buf, buf.indexOf('\r\n\r\n'), 'GET', defaultLimits);
    if (typeof response === 'string') throw new Error(response);
    const ctx = requestContext(c.request ?? 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const out = buildClientHead(
      response,
      ctx,
      route(c.route),
      c.close ?? false,
      c.chunked ?? false,
      c.cookie ?? null,
      stats,
    );
    t.equal(out.build().toString('latin1'), c.want, c.name);
    t.equal(stats.unsafeHeaderValues, c.unsafe ?? 0, `${c.name}: refused values counted`);
  }
});

t.test('buildTunnelHead', async (t) => {
  const buf = Buffer.from(
    'HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: k\r\n\r\n',
  );
  const response = parseResponseHead(buf, buf.indexOf('\r\n\r\n'), 'GET', defaultLimits);
  if (typeof response === 'string') throw new Error(response);
  t.equal(
    buildTunnelHead(response, 'websocket').build().toString('latin1'),
    'HTTP/1.1 101 Switching\r\nSec-WebSocket-Accept: k\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n',
  );
});

t.test('which fields are forwarded', async (t) => {
  const table: Array<[string, string[] | null, boolean, boolean]> = [
    // name, Connection tokens, forwarded upstream, forwarded to the client
    ['accept', null, true, true],
    ['connection', null, false, false],
    ['keep-alive', null, false, false],
    ['transfer-encoding', null, false, false],
    ['host', null, false, true],
    ['x-forwarded-for', null, false, true],
    ['x-private', ['x-private'], false, false],
    ['content-length', ['content-length'], true, true],
    ['transfer-encoding', ['transfer-encoding'], false, false],
    ['host', ['host'], false, true],
    ['set-cookie', ['close'], true, true],
  ];
  for (const [name, tokens, upstream, client] of table) {
    t.equal(forwardsRequestField(name, tokens), upstream, `request ${name} with Connection ${tokens}`);
    t.equal(forwardsResponseField(name, tokens), client, `response ${name} with Connection ${tokens}`);
  }
});

t.test('originFormTarget', async (t) => {
  const table: Array<[string, string]> = [
    ['/a?b', '/a?b'],
    ['*', '*'],
    ['http://h/p?q', '/p?q'],
    ['http://h', '/'],
    ['http://h?q=1', '/?q=1'],
    ['https://u@h:8/p#frag', '/p'],
  ];
  for (const [target, want] of table) t.equal(originFormTarget(target), want, target);
});
