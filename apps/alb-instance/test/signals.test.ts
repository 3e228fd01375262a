// Signals other than SIGTERM/SIGINT: SIGHUP re-reads everything (as nginx reloads), SIGUSR1 does not open the
// inspector. Through the real command line.
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
