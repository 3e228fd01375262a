// Signals other than SIGTERM/SIGINT: SIGHUP re-reads everything (as nginx reloads), SIGUSR1 does not open the
// inspector. Through the real command line.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

t.test('SIGHUP re-reads every file and rebuilds; the process keeps serving', async (t) => {
  const web = await echoBackend(t, 'web');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port, 'web'), manifests.service('web', web.port));
  write(dir, 'rules.yaml', manifests.rule('test-a', port, '/a', 'web'));
  const instance = await runInstance(t, dir);
  instance.child.kill('SIGHUP');
  const reloaded = await instance.waitForLog((l) => l.msg === 'SIGHUP: re-read every file and rebuilt');
  t.equal(reloaded.files, 2, 'both files were read again');
  t.equal(instance.child.exitCode, null, 'still running');
  t.equal(instance.child.signalCode, null);
  t.equal((await get(port, '/a')).body, 'web: GET /a', 'still serving');
  t.equal((await get(instance.opsPort, '/readyz')).status, 200, 'still ready');
  instance.child.kill('SIGHUP');
  await eventually(
    async () => instance.logs().filter((l) => l.msg === 'SIGHUP: re-read every file and rebuilt').length,
    (n) => n === 2,
  );
  t.equal(await instance.stop(), 0, 'SIGTERM still drains and exits 0');
});

t.test('SIGUSR1 does not open the inspector', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port));
  const instance = await runInstance(t, dir);
  instance.child.kill('SIGUSR1');
  await instance.waitForLog((l) => l.msg === 'SIGUSR1 ignored: the inspector is disabled in this process');
  t.notMatch(instance.stderr(), /Debugger listening/, 'no inspector');
  t.equal((await get(instance.opsPort, '/healthz')).status, 200, 'still running');
  t.equal(await instance.stop(), 0);
});

t.test(
  'the launcher runs the bundle with --disable-sigusr1 (the inspector cannot be opened before main runs)',
  async (t) => {
    const dir = tempDir(t);
    const opsPort = await freePort();
    write(dir, 'alb.yaml', manifests.alb());
    const launcher = new URL('../bin/alb-instance.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [launcher, '--dir', dir, '--workers', '1', '--ops-port', String(opsPort)], {
      stdio: 'ignore',
    });
    t.teardown(() => child.kill('SIGKILL'));
    const ready = await eventually(
      () => get(opsPort, '/readyz').catch(() => ({ status: 0 })),
      (r) => r.status === 200,
      30_000,
    );
    t.equal(ready.status, 200);
    // The launcher replaces itself with Node (execve), so the pid is the instance's.
    const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    t.ok(argv.includes('--disable-sigusr1'), argv.join(' '));
    child.kill('SIGTERM');
    t.equal(await new Promise<number | null>((resolve) => child.once('exit', resolve)), 0);
  },
);
