// wrk's text output -> numbers; missing lines are an error, not zeros.
import t from 'tap';
import type { BenchError } from '../src/index.ts';
import { errorCodes, parseWrkOutput, wrkArgs } from '../src/index.ts';

const real = `Running 1s test @ http://127.0.0.1:18555/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   232.17us  605.22us  11.17ms   95.07%
    Req/Sec    83.54k    25.52k  102.54k    80.00%
  Latency Distribution
     50%   89.00us
     75%  151.00us
     90%  277.00us
     99%    3.01ms
  82964 requests in 1.00s, 11.82MB read
  Non-2xx or 3xx responses: 27654
Requests/sec:  82795.35
Transfer/sec:     11.79MB
`;

const slow = `Running 10s test @ http://127.0.0.1:1/svc-999/64k
  1 threads and 50 connections
  Latency Distribution
     50%    1.50s
     75%    1.60s
     90%    1.70s
     99%    2.00m
  1200 requests in 10.00s, 75.00MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
Requests/sec:    120.00
Transfer/sec:      7.50MB
`;

const table = [
  {
    name: 'real output with non-2xx responses, latencies in us and ms',
    input: real,
    want: {
      requestsPerSec: 82795.35,
      p50Ms: 0.089,
      p99Ms: 3.01,
      requests: 82964,
      non2xx: 27654,
      socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
    },
  },
  {
    name: 'seconds and minutes, socket errors',
    input: slow,
    want: {
      requestsPerSec: 120,
      p50Ms: 1500,
      p99Ms: 120_000,
      requests: 1200,
      non2xx: 0,
      socketErrors: { connect: 1, read: 2, write: 3, timeout: 4 },
    },
  },
];

for (const { name, input, want } of table)
  t.test(name, async (t) => {
    const got = parseWrkOutput(input);
    t.same({ ...got, p50Ms: round(got.p50Ms), p99Ms: round(got.p99Ms) }, want);
  });

const broken = [
  {
    name: 'no latency distribution (run without --latency)',
    input: real.replace(/ {5}\d+%.*\n/g, ''),
    want: '50%, 99%',
  },
  { name: 'no Requests/sec', input: real.replace(/^Requests\/sec.*$/m, ''), want: 'Requests/sec' },
  {
    name: 'connection refused',
    input: 'unable to connect to 127.0.0.1:18556 Connection refused\n',
    want: 'Requests/sec',
  },
];

for (const { name, input, want } of broken)
  t.test(name, async (t) => {
    const error = t.throws(() => parseWrkOutput(input)) as BenchError;
    t.equal(error.code, errorCodes.wrkOutput);
    t.match(error.message, want);
  });

t.test('the wrk command line: one thread, latency percentiles, the URL last', async (t) => {
  t.same(wrkArgs({ url: 'http://127.0.0.1:8/svc-999/', durationS: 10, connections: 50 }), [
    '-t1',
    '-c50',
    '-d10s',
    '--timeout',
    '10s',
    '--latency',
    'http://127.0.0.1:8/svc-999/',
  ]);
});

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
