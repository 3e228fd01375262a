// The syscall profile: strace -c's summary parsed into calls per request, and a real strace on a real server.
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import { errorCodes, parseStraceSummary, perRequest, profileSyscalls, type BenchError } from '../src/index.ts';
import { findProgram } from '../src/ensure-tools.ts';
import { freePort } from '../src/free-port.ts';
import { ProcessSet } from '../src/process-set.ts';
import { waitUntilServing } from '../src/http-probe.ts';

// Printed by strace 6.1 (`strace -c -f -o file`); an `errors` cell may be empty.
const summary = `% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 71.19    0.000472         236         2         1 wait4
 19.76    0.000131           3        38           mmap
  5.13    0.000034           0        41        19 openat
  0.00    0.000000           0         8           read
------ ----------- ----------- --------- --------- ----------------
100.00    0.000663           3        89        20 total
`;

t.test('parseStraceSummary: calls per system call, header and total skipped', async (t) => {
  t.same(
    [...parseStraceSummary(summary)],
    [
      ['wait4', 2],
      ['mmap', 38],
      ['openat', 41],
      ['read', 8],
    ],
  );
  t.same([...parseStraceSummary('strace: Process 12 attached\n')], [], 'no table, no calls');
});

t.test('perRequest: divided by the requests, most frequent first, summed', async (t) => {
  const profile = perRequest(parseStraceSummary(summary), 4);
  t.same(
    profile.perRequest.map((s) => [s.syscall, s.calls]),
    [
      ['openat', 10.25],
      ['mmap', 9.5],
      ['read', 2],
      ['wait4', 0.5],
    ],
  );
  t.equal(profile.total, 22.25);
  t.equal(profile.requests, 4);
  const error = t.throws(() => perRequest(new Map([['read', 1]]), 0)) as BenchError;
  t.equal(error.code, errorCodes.profileFailed);
});

t.test('profileSyscalls counts the reads and writes of a real server under strace', async (t) => {
  const strace = findProgram('strace');
  t.ok(strace, 'strace is installed (the bench installs it with apt-get; so does .ci/run)');
  const processes = new ProcessSet();
  t.teardown(() => processes.stopAll());
  const port = await freePort();
  const server = processes.start('server', process.execPath, [
    '-e',
    "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')",
    String(port),
  ]);
  await waitUntilServing(server, port, '/', 2);
  const requests = 200;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const profile = await profileSyscalls(processes, strace!, server.pid, join(t.testdir({}), 'strace.txt'), async () => {
    for (let i = 0; i < requests; i++) await get(agent, port);
    return { requests };
  });
  const calls = (names: RegExp) =>
    profile.perRequest.filter((s) => names.test(s.syscall)).reduce((sum, s) => sum + s.calls, 0);
  t.equal(profile.requests, requests);
  t.ok(calls(/^(read|readv|recvfrom|recvmsg)$/) >= 1, `at least one read per request: ${JSON.stringify(profile)}`);
  t.ok(calls(/^(write|writev|sendto|sendmsg)$/) >= 1, 'at least one write per request');
  t.ok(profile.total >= 2);
});

function get(agent: Agent, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}
