// When a failed upstream attempt is tried again, as a table over method, what was sent, how it failed and the
// attempt count.
import t from 'tap';
import { shouldRetry, type RetryInput } from '../src/proxy/retry-decision.ts';

const base: RetryInput = {
  method: 'GET',
  failure: 'closed',
  reusedConnection: true,
  bodyBytesSent: 0,
  responseBytesReceived: false,
  attempts: 1,
};

const cases: Array<{ name: string; input: Partial<RetryInput>; want: boolean }> = [
  { name: 'GET on a stale keep-alive connection', input: {}, want: true },
  { name: 'HEAD, OPTIONS, PUT, DELETE likewise (idempotent)', input: { method: 'PUT' }, want: true },
  { name: 'POST once its head was written: never replayed', input: { method: 'POST' }, want: false },
  { name: 'PATCH: never replayed', input: { method: 'PATCH' }, want: false },
  { name: 'LOCK: never replayed', input: { method: 'LOCK' }, want: false },
  { name: 'an unknown-semantics method (MKCOL): not replayed', input: { method: 'MKCOL' }, want: false },
  {
    name: 'POST whose connect failed: nothing was sent',
    input: { method: 'POST', failure: 'connect', reusedConnection: false },
    want: true,
  },
  { name: 'connect failure on a fresh connection', input: { failure: 'connect', reusedConnection: false }, want: true },
  {
    name: 'a fresh connection closed after the head: the upstream failed, not a race',
    input: { reusedConnection: false },
    want: false,
  },
  { name: 'timeouts are answered (504), not retried', input: { failure: 'timeout' }, want: false },
  {
    name: 'part of the body already sent: it cannot be sent again',
    input: { method: 'PUT', bodyBytesSent: 1 },
    want: false,
  },
  { name: 'part of a response head received', input: { responseBytesReceived: true }, want: false },
  { name: 'second attempt failed: answered', input: { attempts: 2 }, want: false },
  { name: 'second connect failure: answered', input: { failure: 'connect', attempts: 2 }, want: false },
];

t.test('shouldRetry', async (t) => {
  for (const c of cases) t.equal(shouldRetry({ ...base, ...c.input }), c.want, c.name);
});
