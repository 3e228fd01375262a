// An upstream response head's framing, as a table: what the proxy relies on to find the body's end and to decide
// whether the upstream connection can be reused. Ambiguous framing is an error (the proxy answers 502).
import t from 'tap';
import { defaultLimits } from '../src/http/limits.ts';
import { parseResponseHead } from '../src/http/response-head.ts';

function parse(head: string, method = 'GET') {
  const buf = Buffer.from(`${head}\r\n\r\n`, 'latin1');
  const parsed = parseResponseHead(buf, buf.length - 4, method, defaultLimits);
  if (typeof parsed === 'string') return parsed;
  return { framing: parsed.framing, contentLength: parsed.contentLength, reusable: parsed.reusable };
}

t.test('framing and reuse', async (t) => {
  const table: Array<[string, string, ReturnType<typeof parse>]> = [
    ['sized', 'HTTP/1.1 200 OK\r\nContent-Length: 12', { framing: 'length', contentLength: 12, reusable: true }],
    ['zero length', 'HTTP/1.1 200 OK\r\nContent-Length: 0', { framing: 'length', contentLength: 0, reusable: true }],
    [
      '15 digits',
      'HTTP/1.1 200 OK\r\nContent-Length: 123456789012345',
      { framing: 'length', contentLength: 123456789012345, reusable: true },
    ],
    [
      'trailing whitespace is not part of the value',
      'HTTP/1.1 200 OK\r\nContent-Length: 7 \t',
      { framing: 'length', contentLength: 7, reusable: true },
    ],
    [
      'chunked',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked',
      { framing: 'chunked', contentLength: -1, reusable: true },
    ],
    ['until close', 'HTTP/1.1 200 OK', { framing: 'close', contentLength: -1, reusable: false }],
    ['HEAD has no body', 'HTTP/1.1 200 OK\r\nContent-Length: 5', { framing: 'none', contentLength: 5, reusable: true }],
    [
      'Connection: close',
      'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1',
      { framing: 'length', contentLength: 1, reusable: false },
    ],
    [
      'HTTP/1.0 without keep-alive',
      'HTTP/1.0 200 OK\r\nContent-Length: 1',
      { framing: 'length', contentLength: 1, reusable: false },
    ],
    [
      'HTTP/1.0 with keep-alive',
      'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1',
      { framing: 'length', contentLength: 1, reusable: true },
    ],
    [
      'HTTP/1.0 with Keep-Alive in another case',
      'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1',
      { framing: 'length', contentLength: 1, reusable: true },
    ],
    [
      'a near miss of close is not close',
      'HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 1',
      { framing: 'length', contentLength: 1, reusable: true },
    ],
    [
      'duplicate Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1',
      'duplicate Content-Length',
    ],
    ['a list', 'HTTP/1.1 200 OK\r\nContent-Length: 5, 5', 'invalid Content-Length'],
    ['a sign', 'HTTP/1.1 200 OK\r\nContent-Length: +5', 'invalid Content-Length'],
    ['empty', 'HTTP/1.1 200 OK\r\nContent-Length:', 'invalid Content-Length'],
    ['16 digits', 'HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456', 'invalid Content-Length'],
    [
      'both framings',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked',
      'both Content-Length and Transfer-Encoding',
    ],
    ['another coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip', 'unsupported Transfer-Encoding'],
  ];
  for (const [name, head, want] of table) t.same(parse(head, name === 'HEAD has no body' ? 'HEAD' : 'GET'), want, name);
});
