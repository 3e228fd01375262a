// The tests' network namespace: they run inside it, it has nothing but lo (so no traffic reaches or leaves this
// machine's interfaces), backends are reachable on its documentation-range address, and a machine that cannot
// make one gets a clear error instead of a fallback.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import t from 'tap';
import { backendAddress, chooseUnshare, insideTestNetns, netnsAddress, unshareCandidates } from '../src/test-netns.ts';
import { httpGet } from '../src/instance-process.ts';
import { backend } from '../src/backends.ts';

t.test('the tests run inside their own namespace, which has only lo', async (t) => {
  t.ok(insideTestNetns(), 'inside the test namespace');
  t.notOk(insideTestNetns({}), 'a process without the marker is outside');
  const interfaces = readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]!.trim())
    .filter((name) => name !== '');
  t.same(interfaces, ['lo'], 'no interface but lo: nothing leaves the namespace');
  t.equal(backendAddress(), '198.51.100.10', 'a documentation-range address (TEST-NET-2)');
});

t.test('backends listen on the namespace address and answer there', async (t) => {
  const port = await backend(t, backendAddress(), 'probe');
  t.equal((await httpGet(port, '/x', { host: netnsAddress })).body, 'probe: GET /x');
});

t.test('loopback works as usual inside it', async (t) => {
  const server = createServer((socket) => socket.end('hi')).listen(0, '127.0.0.2');
  await once(server, 'listening');
  t.teardown(() => server.close());
  t.equal((server.address() as AddressInfo).address, '127.0.0.2');
});

t.test('unshare: -n as root (then -rn), -rn otherwise', async (t) => {
  t.same(unshareCandidates(0), [['-n'], ['-rn']]);
  t.same(unshareCandidates(1000), [['-rn']]);
});

t.test('no way to make a namespace is a clear error, never a fallback', async (t) => {
  t.throws(() => chooseUnshare(0, { PATH: '/nonexistent' }), {
    message: /none could be made here:\n {2}unshare -n [^\n]*ENOENT[^\n]*\n {2}unshare -rn [\s\S]*never fall back/,
  });
});
