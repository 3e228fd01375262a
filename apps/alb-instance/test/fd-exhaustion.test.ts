// File descriptors exhausted by idle client connections (a real limit: the instance runs under `ulimit -n`):
// a file that cannot be read then keeps its objects, housekeeping errors are counted, and the process lives on.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, tempDir, write } from './helpers.ts';

const mainSource = new URL('../src/main.ts', import.meta.url).pathname;

t.test('EMFILE: objects kept, housekeeping errors counted, the process survives', { timeout: 120_000 }, async (t) => {
  const web = await echoBackend(t, 'web');
  const dir = tempDir(t);
  const port = await freePort();
  const opsPort = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port, 'web'), manifests.service('web', web.port));
  write(dir, 'rules.yaml', manifests.rule('test-a', port, '/a', 'web'));
  const node = [process.execPath, '--expose-gc', '--conditions=@alb/source', mainSource].join(' ');
  const args = `--dir ${dir} --workers 1 --ops-port ${opsPort}`;
  const child = spawn('/bin/sh', ['-c', `ulimit -n 100 && exec ${node} ${args}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = once(child, 'exit');
  t.teardown(() => child.kill('SIGKILL'));
  const ready = await eventually(
    () => get(opsPort, '/readyz').catch(() => ({ status: 0, body: '' })),
    (r) => r.status === 200,
    30_000,
  );
  t.equal(ready.status, 200, 'ready');

  // Idle connections until the instance has no descriptor left (it then accepts and drops the extra ones).
  const clients: Socket[] = [];
  t.teardown(() => clients.forEach((c) => c.destroy()));
  for (let i = 0; i < 150; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect').catch(() => undefined);
    clients.push(socket);
  }
  // A change it cannot read now, then a reload: the file read fails (EMFILE), the config is re-applied and the
  // memory trimmer, 2 s later, cannot read the process's memory figures (EMFILE too).
  write(dir, 'rules.yaml', manifests.rule('test-a', port, '/b', 'web'));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGHUP');
  const trimFailed = await eventually(
    async () => output,
    (o) => o.includes('memory trim failed'),
    30_000,
  );
  t.match(trimFailed, /memory trim failed/, 'the trimmer met EMFILE');
  t.match(output, /"code":"ALB_INSTANCE_SOURCE"[^\n]*EMFILE/, 'so did reading the changed file');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(child.exitCode, null, 'still running');

  for (const client of clients.splice(0)) client.destroy();
  const metrics = await eventually(
    () => get(opsPort, '/metrics').catch(() => ({ status: 0, body: '' })),
    (r) => r.status === 200,
    10_000,
  );
  t.match(metrics.body, /^alb_housekeeping_errors_total [1-9]/m, 'the failed trim is counted');
  t.equal((await get(port, '/a')).body, 'web: GET /a', 'the objects of the unreadable file were kept meanwhile');
  t.equal(
    (
      await eventually(
        () => get(port, '/b'),
        (r) => r.body.startsWith('web'),
        15_000,
      )
    ).body,
    'web: GET /b',
    'and the change is read once descriptors are free',
  );
  child.kill('SIGTERM');
  t.same((await exited)[0], 0, 'exits 0');
});
