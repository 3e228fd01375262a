// Framing survives `Connection` tokens: a client (or a backend) that names Content-Length, Transfer-Encoding or
// Host in `Connection` must not make the proxy drop them while it still forwards the body. The backend here is a
// plain socket that records every byte it receives and reads requests the way any HTTP/1.1 server does.
import t from 'tap';
import { freePort, get, group, listener, raw, startEngine, startRawBackend, statusLines } from './helpers.ts';

const hidden = 'GET /smuggled HTTP/1.1\r\nHost: a\r\nX-Real-IP: 6.6.6.6\r\n\r\n';

t.test('Connection: content-length does not strip the framing of a forwarded body', async (t) => {
  const backend = await startRawBackend(t);
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });

  const attack = await raw(
    port,
    `POST /upload HTTP/1.1\r\nHost: a\r\nConnection: content-length\r\nContent-Length: ${hidden.length}\r\n\r\n${hidden}`,
    500,
  );
  t.same(statusLines(attack.text), [200], 'one response for one request');
  t.match(attack.text, /\r\n\r\nPOST \/upload HTTP\/1\.1$/, 'the answer is the POST’s own');

  // The next request goes over the pooled upstream connection: it must get its own answer, not a queued one.
  const victim = await get(port, '/victim');
  t.equal(victim.body, 'GET /victim HTTP/1.1', 'the pooled connection carries no smuggled response');

  t.equal(backend.received.length, 1, 'both requests used one pooled upstream connection');
  t.same(
    backend.heads.map((h) => h.slice(0, h.indexOf('\r\n'))),
    ['POST /upload HTTP/1.1', 'GET /victim HTTP/1.1'],
    'the backend read exactly two requests: nothing was smuggled',
  );
  const post = backend.heads[0]!;
  t.match(post, new RegExp(`\\r\\nContent-Length: ${hidden.length}(\\r\\n|$)`, 'i'), 'Content-Length forwarded');
  t.ok(backend.received[0]!.includes(`\r\n\r\n${hidden}`), 'the body arrived as a body, intact');
});

t.test('Connection: transfer-encoding and host do not strip framing or Host either', async (t) => {
  const backend = await startRawBackend(t);
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  const reply = await raw(
    port,
    'POST /c HTTP/1.1\r\nHost: a\r\nConnection: transfer-encoding, host, keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n' +
      `${hidden.length.toString(16)}\r\n${hidden}\r\n0\r\n\r\n`,
    500,
  );
  t.same(statusLines(reply.text), [200]);
  t.same(
    backend.heads.map((h) => h.slice(0, h.indexOf('\r\n'))),
    ['POST /c HTTP/1.1'],
    'one request reached the backend',
  );
  t.match(backend.heads[0]!, /\r\nTransfer-Encoding: chunked(\r\n|$)/i);
  t.match(backend.heads[0]!, /\r\nHost: a(\r\n|$)/i);
});

t.test('a backend naming Content-Length in Connection: the client still gets a framed response', async (t) => {
  const backend = await startRawBackend(
    t,
    () => 'HTTP/1.1 200 OK\r\nConnection: content-length, transfer-encoding\r\nContent-Length: 5\r\n\r\nhello',
  );
  const port = await freePort();
  await startEngine(t, { listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  // Two requests on one keep-alive connection: a client can read the second only if the first was framed.
  const reply = await raw(port, 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n', 500);
  t.same(statusLines(reply.text), [200, 200], 'both answered on one connection');
  t.equal((reply.text.match(/\r\nContent-Length: 5\r\n/gi) ?? []).length, 2, 'each response keeps its length');
  t.notOk(reply.closed, 'the connection stays usable');
});
