// Malformed and smuggling-style requests: each is refused with the expected status and the connection is closed.
import t from 'tap';
import { freePort, group, listener, raw, startBackend, startEngine, statusLines } from './helpers.ts';

type Case = { name: string; request: string; status: number };

const long = 'a'.repeat(9000);
const cases: Case[] = [
  {
    name: 'CL and TE together (classic smuggling)',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
  },
  {
    name: 'TE and CL together, TE first',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
    status: 400,
  },
  {
    name: 'duplicate Content-Length, same value',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx',
    status: 400,
  },
  {
    name: 'duplicate Content-Length, different values',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx',
    status: 400,
  },
  { name: 'Content-Length list', request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nx', status: 400 },
  {
    name: 'Content-Length with sign',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx',
    status: 400,
  },
  {
    name: 'Content-Length not a number',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\nx',
    status: 400,
  },
  {
    name: 'Content-Length too large',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n',
    status: 400,
  },
  {
    name: 'Transfer-Encoding other than chunked',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n',
    status: 501,
  },
  {
    name: 'Transfer-Encoding chunked not last',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
    status: 501,
  },
  {
    name: 'Transfer-Encoding with odd spelling',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n',
    status: 501,
  },
  {
    name: 'duplicate Transfer-Encoding',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
  },
  {
    name: 'Transfer-Encoding in HTTP/1.0',
    request: 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
  },
  { name: 'space before colon', request: 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 0\r\n\r\n', status: 400 },
  { name: 'obs-fold', request: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n', status: 400 },
  { name: 'bare LF line ending', request: 'GET / HTTP/1.1\nHost: a\n\n', status: 400 },
  { name: 'bare LF inside headers', request: 'GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n', status: 400 },
  { name: 'bare CR inside a value', request: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n', status: 400 },
  { name: 'NUL in a value', request: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n', status: 400 },
  { name: 'control byte in a name', request: 'GET / HTTP/1.1\r\nHost: a\r\nX\x01A: b\r\n\r\n', status: 400 },
  { name: 'empty header name', request: 'GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n', status: 400 },
  { name: 'missing Host in HTTP/1.1', request: 'GET / HTTP/1.1\r\n\r\n', status: 400 },
  { name: 'duplicate Host', request: 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', status: 400 },
  { name: 'invalid Host characters', request: 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', status: 400 },
  { name: 'Host with a slash', request: 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', status: 400 },
  { name: 'invalid method', request: 'G(T / HTTP/1.1\r\nHost: a\r\n\r\n', status: 400 },
  { name: 'unknown method (llhttp refuses it too)', request: 'FROB / HTTP/1.1\r\nHost: a\r\n\r\n', status: 501 },
  { name: 'two spaces in the request line', request: 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n', status: 400 },
  { name: 'non-ASCII in the target', request: 'GET /\xe9 HTTP/1.1\r\nHost: a\r\n\r\n', status: 400 },
  { name: 'relative target', request: 'GET foo HTTP/1.1\r\nHost: a\r\n\r\n', status: 400 },
  { name: 'asterisk-form with GET', request: 'GET * HTTP/1.1\r\nHost: a\r\n\r\n', status: 400 },
  { name: 'TRACE (nginx answers 405)', request: 'TRACE / HTTP/1.1\r\nHost: a\r\n\r\n', status: 405 },
  { name: 'absolute-form with an empty host', request: 'GET http:///c HTTP/1.1\r\nHost: a\r\n\r\n', status: 400 },
  {
    name: 'absolute-form with only userinfo as authority',
    request: 'GET http://user@/c HTTP/1.1\r\nHost: a\r\n\r\n',
    status: 400,
  },
  { name: 'CONNECT', request: 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n', status: 405 },
  { name: 'HTTP/2.0 on the HTTP/1 port', request: 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', status: 505 },
  { name: 'lower-case version', request: 'GET / http/1.1\r\nHost: a\r\n\r\n', status: 400 },
  { name: 'HTTP/0.9 style', request: 'GET /\r\n\r\n', status: 400 },
  { name: 'unsupported Expect', request: 'GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n', status: 417 },
  { name: 'target too long', request: `GET /${long} HTTP/1.1\r\nHost: a\r\n\r\n`, status: 414 },
  {
    name: 'head too large',
    request: `GET / HTTP/1.1\r\nHost: a\r\n${'X-A: ' + 'b'.repeat(1000) + '\r\n'}`.repeat(40) + '\r\n',
    status: 431,
  },
  { name: 'too many headers', request: `GET / HTTP/1.1\r\nHost: a\r\n${'X-A: b\r\n'.repeat(200)}\r\n`, status: 431 },
  {
    name: 'bad chunk size',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    status: 400,
  },
  {
    name: 'chunk size with whitespace',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n',
    status: 400,
  },
  {
    name: 'chunk data longer than its size',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n',
    status: 400,
  },
  {
    name: 'chunk size line ended by bare LF',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n',
    status: 400,
  },
  {
    name: 'chunk size overflow',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n',
    status: 400,
  },
];

t.test('each malformed request is refused and the connection closed', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  for (const c of cases) {
    const reply = await raw(port, c.request, 1000);
    t.same(statusLines(reply.text), [c.status], `${c.name}: status`);
    t.ok(reply.closed, `${c.name}: connection closed`);
  }
  // Refusals never reach the backend, except those whose head was valid (chunk errors happen after forwarding).
  t.ok(backend.seen.length <= 4, `backend saw ${backend.seen.length} requests`);
});

t.test('a pipelined request after a smuggling attempt is never served', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  const smuggle =
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n';
  const reply = await raw(port, smuggle, 1000);
  t.same(statusLines(reply.text), [400]);
  t.equal(backend.seen.length, 0, 'neither the POST nor the hidden GET reached the backend');
});
