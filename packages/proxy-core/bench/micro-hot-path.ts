// Micro-benchmark of the per-request work that does not touch sockets (for profiling the proxy's hot path).
import { createRuleTable, RequestView } from '@alb/dslx';
import { headBuilder } from '../src/http/head-builder.ts';
import { defaultLimits } from '../src/http/limits.ts';
import { parseRequestHead } from '../src/http/request-head.ts';
import { parseResponseHead, type ResponseHead } from '../src/http/response-head.ts';
import type { RequestContext } from '../src/actions/request-context.ts';
import { buildClientHead, buildUpstreamHead, type HeadRoute } from '../src/proxy/forward-heads.ts';

const req = Buffer.from('GET /p998/x HTTP/1.1\r\nHost: 127.0.0.1:18082\r\n\r\n');
const browserReq = Buffer.from(
  'GET /p998/x?a=1 HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\r\nAccept: text/html,application/xhtml+xml\r\nAccept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\nCookie: session=abc123; theme=dark\r\nConnection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\n\r\n',
);
const resp = Buffer.from(
  'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 23 Nov 2026 11:53:16 GMT\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: keep-alive\r\n\r\nhello world\n',
);
const rules = Array.from({ length: 1000 }, (_, i) => ({
  name: `r${i}`,
  priority: 5,
  dslx: [{ type: 'URL' as const, values: [['STARTS_WITH', `/p${i}/`]] }],
}));
const table = createRuleTable(rules);

const plainRoute: HeadRoute = { rewrite: null, vhost: null, requestHeaders: null, responseHeaders: null, cors: null };
const counter = { unsafeHeaderValues: 0 };
function contextOf(buf: Buffer): RequestContext {
  const head = parseRequestHead(buf, buf.indexOf('\r\n\r\n'), defaultLimits);
  if ('status' in head) throw new Error(head.reason);
  const view = new RequestView({
    method: head.method,
    url: head.target,
    headers: head.headers,
    remoteAddress: '127.0.0.1',
  });
  return { head, view, clientIp: '127.0.0.1', scheme: 'http', port: 18082 };
}
const wrkCtx = contextOf(req);
const browserCtx = contextOf(browserReq);
const parsedResp = parseResponseHead(resp, resp.indexOf('\r\n\r\n'), 'GET', defaultLimits) as ResponseHead;

function bench(name: string, fn: () => unknown): void {
  for (let i = 0; i < 200_000; i++) fn();
  const n = 2_000_000;
  // CPU time of this process, not wall time: on a shared machine the process is descheduled a lot.
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(start);
  console.log(`${name.padEnd(36)} ${(((used.user + used.system) * 1000) / n).toFixed(0)} ns`);
}

bench('parse wrk request head', () => parseRequestHead(req, req.indexOf('\r\n\r\n'), defaultLimits));
bench('parse browser request head', () => parseRequestHead(browserReq, browserReq.indexOf('\r\n\r\n'), defaultLimits));
bench('route (view + lookup)', () => {
  const head = parseRequestHead(req, req.indexOf('\r\n\r\n'), defaultLimits);
  if ('status' in head) throw new Error();
  return table.lookupView(
    new RequestView({ method: head.method, url: head.target, headers: head.headers, remoteAddress: '127.0.0.1' }),
  );
});
bench('parse response head', () => parseResponseHead(resp, resp.indexOf('\r\n\r\n'), 'GET', defaultLimits));
bench('build 200-byte head', () =>
  headBuilder
    .text('GET /p998/x HTTP/1.1\r\nHost: 127.0.0.1:18082\r\n')
    .bytes(resp, 17, 39)
    .text('X-Real-IP: 127.0.0.1\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n')
    .build(),
);
bench('Date.now()', () => Date.now());
bench('Buffer.allocUnsafe(200)', () => Buffer.allocUnsafe(200));
bench('upstream head, wrk request', () => buildUpstreamHead(wrkCtx, plainRoute, '127.0.0.1', false, false, counter));
bench('upstream head, browser request', () =>
  buildUpstreamHead(browserCtx, plainRoute, '127.0.0.1', false, false, counter),
);
bench('client head, nginx response', () =>
  buildClientHead(parsedResp, wrkCtx, plainRoute, false, false, null, counter).build(),
);
