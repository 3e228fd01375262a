// Differential test against llhttp (Node's strict HTTP parser, through a real node:http server): over a generated
// corpus of well-formed and malformed requests, our parser must never accept what llhttp rejects, and where both
// accept they must agree on method, target, header fields and body.
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import t from 'tap';
import { ChunkedDecoder } from '../src/http/chunked-decoder.ts';
import { fieldValue } from '../src/http/header-fields.ts';
import { defaultLimits } from '../src/http/limits.ts';
import { parseRequestHead } from '../src/http/request-head.ts';

type Parsed = { method: string; url: string; headers: string[]; body: string } | null;

/** Our reading of one request (head + body), or null if refused. */
function ours(data: Buffer): Parsed {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const head = parseRequestHead(data, end, defaultLimits);
  if ('status' in head) return null;
  const rest = data.subarray(end + 4);
  let body: Buffer;
  let consumed: number;
  if (head.chunked) {
    const decoder = new ChunkedDecoder(defaultLimits);
    const parts: Buffer[] = [];
    consumed = decoder.feed(rest, 0, rest.length, (buf, from, to) => parts.push(Buffer.from(buf.subarray(from, to))));
    if (decoder.error !== null || !decoder.done) return null;
    body = Buffer.concat(parts);
  } else {
    const length = Math.max(0, head.contentLength);
    if (rest.length < length) return null;
    body = rest.subarray(0, length);
    consumed = length;
  }
  // The input is exactly one message: bytes after it (a second, garbled request) make the whole input invalid,
  // as they do for llhttp, which refuses the connection's stream.
  if (consumed !== rest.length) return null;
  const headers: string[] = [];
  for (let f = 0; f < head.fields.names.length; f++)
    headers.push(head.fields.names[f]!, fieldValue(head.source, head.fields, f));
  return { method: head.method, url: head.target, headers, body: body.toString('latin1') };
}

/**
 * llhttp's reading, through node:http: the first request on a fresh connection, or null if it refused it or never
 * completed it (an incomplete message is not an accepted one). No clock is involved: the client sends everything
 * and half-closes, and the server closes the connection once it has answered, refused, or seen the end of an
 * incomplete message, so the close always comes after the server's verdict, however slow the machine.
 */
async function llhttp(port: number, data: Buffer, results: Map<number, Parsed>): Promise<Parsed> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // a reset after the server's verdict is still a close
  await once(socket, 'connect');
  // The server knows the request by the client's port.
  const id = socket.localPort!;
  results.delete(id);
  socket.write(data);
  socket.end();
  socket.resume();
  await once(socket, 'close');
  return results.get(id) ?? null;
}

// --- corpus ---

let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const templates = [
  'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
  'GET /a/b?c=d&e HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: x/1\r\nAccept: */*\r\n\r\n',
  'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello',
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n',
  'PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nX-Empty:\r\nX-Spaces:   v  \r\n\r\n',
  'GET /old HTTP/1.0\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET http://example.com/abs?q HTTP/1.1\r\nHost: example.com\r\n\r\n',
  'DELETE /r HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n',
  'POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n',
];
const interesting = [
  '\r',
  '\n',
  '\0',
  ' ',
  '\t',
  ':',
  ',',
  ';',
  '\x7f',
  '\x80',
  '\xff',
  'a',
  '0',
  'f',
  '\r\n',
  ' \r\n',
  '\r\n\r\n',
];
const headerInserts = [
  'Content-Length: 3\r\n',
  'Content-Length: 0\r\n',
  'Content-Length: 03\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Transfer-Encoding: identity\r\n',
  'Transfer-Encoding : chunked\r\n',
  'Host: other\r\n',
  'X-Fold: a\r\n b\r\n',
  'Connection: close\r\n',
  'Expect: 100-continue\r\n',
  'X-Bin: \x80\xff\r\n',
  'X-Tab:\tv\t\r\n',
];

function mutate(template: string): string {
  const kind = random();
  if (kind < 0.45) {
    const at = Math.floor(random() * template.length);
    const op = random();
    if (op < 0.33) return template.slice(0, at) + pick(interesting) + template.slice(at);
    if (op < 0.66) return template.slice(0, at) + template.slice(at + 1);
    return template.slice(0, at) + pick(interesting) + template.slice(at + 1);
  }
  if (kind < 0.85) {
    const firstLineEnd = template.indexOf('\r\n') + 2;
    return template.slice(0, firstLineEnd) + pick(headerInserts) + template.slice(firstLineEnd);
  }
  return template;
}

const corpus: string[] = [...templates];
for (let i = 0; i < 1500; i++) corpus.push(mutate(pick(templates)));

t.test('our parser never accepts what llhttp rejects, and agrees where both accept', async (t) => {
  const results = new Map<number, Parsed>();
  const server = createServer({ requireHostHeader: true }, (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = req.socket.remotePort!;
      const headers: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.push(req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!);
      results.set(id, { method: req.method!, url: req.url!, headers, body: Buffer.concat(chunks).toString('latin1') });
      res.end();
      req.socket.destroy();
    });
    req.on('error', () => undefined);
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as AddressInfo).port;

  const theirsById = new Array<Parsed>(corpus.length);
  let next = 0;
  const runner = async () => {
    while (next < corpus.length) {
      const id = next++;
      theirsById[id] = await llhttp(port, Buffer.from(corpus[id]!, 'latin1'), results);
    }
  };
  // The work is bounded by count (the corpus, 8 connections at a time), never by a deadline per probe.
  await Promise.all(Array.from({ length: 8 }, runner));

  let bothAccept = 0;
  let bothReject = 0;
  let onlyLlhttp = 0;
  for (let id = 0; id < corpus.length; id++) {
    const mine = ours(Buffer.from(corpus[id]!, 'latin1'));
    const theirs = theirsById[id]!;
    if (mine !== null && theirs === null) {
      t.fail(`accepted what llhttp rejects: ${JSON.stringify(corpus[id])}`);
      continue;
    }
    if (mine === null && theirs === null) bothReject++;
    else if (mine === null) onlyLlhttp++;
    else {
      bothAccept++;
      t.same(mine, theirs, `same reading of ${JSON.stringify(corpus[id])}`);
    }
  }
  t.ok(
    bothAccept > 100 && bothReject > 100,
    `corpus covers both sides: ${bothAccept} accepted by both, ${bothReject} rejected by both, ${onlyLlhttp} only by llhttp`,
  );
});
