// Starting and stopping the process: the first config is built from the whole directory, a taken ops port ends
// the start at once, and SIGTERM is honoured while a big directory is still being read.
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import t from 'tap';
import { echoBackend, freePort, get, manifests, runInstance, tempDir, within, write } from './helpers.ts';

const alb = (port: number) => [manifests.alb(), manifests.frontend(port)];

t.test('the first config applied has every Rule of every file, and their Services', async (t) => {
  const web = await echoBackend(t, 'web');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', ...alb(port));
  const files = 100;
  const perFile = 100;
  for (let f = 0; f < files; f++) {
    const rules = Array.from({ length: perFile }, (_, i) =>
      manifests.rule(`test-r${f}-${i}`, port, `/f${f}/r${i}`, 'web'),
    );
    write(dir, `rules-${String(f).padStart(3, '0')}.yaml`, ...rules);
  }
  // Sorted last: read after every Rule that needs it.
  write(dir, 'zz-services.yaml', manifests.service('web', web.port));
  const instance = await runInstance(t, dir);
  // Ready can be seen before the log line is read: wait for the line itself.
  const first = await instance.waitForLog((l) => l.msg === 'config applied');
  t.equal(first.rules, files * perFile, 'the first config has every rule');
  t.same(
    instance.logs().filter((l) => l.code === 'ALB_INSTANCE_SERVICE_NOT_FOUND'),
    [],
    'no rule was ever built without its Service',
  );
  t.equal((await get(port, '/f99/r99')).body, 'web: GET /f99/r99');
  t.equal(await instance.stop(), 0);
});

t.test('a taken ops port ends the start at once with exit code 1, closing what was opened', async (t) => {
  const web = await echoBackend(t, 'web');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port, 'web'), manifests.service('web', web.port));
  const taken = createServer();
  taken.listen(0, '127.0.0.1');
  await once(taken, 'listening');
  t.teardown(() => taken.close());
  const opsPort = (taken.address() as AddressInfo).port;
  const instance = await runInstance(t, dir, [], { opsPort, waitNothing: true });
  const exit = await within(instance.exited, 30_000, 'still running');
  t.same(exit, { code: 1, signal: null }, 'exits 1');
  const fatal = instance.logs().find((l) => l.level === 60);
  t.match(fatal?.msg, 'could not start');
  t.match(JSON.stringify(fatal), /EADDRINUSE/);
  await t.rejects(get(port, '/'), 'the Frontend port is not left open');
});

t.test('SIGTERM while a big directory is read: exits 0 without serving', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', ...alb(port));
  // Big enough that reading takes a while on any machine.
  const rules = Array.from({ length: 40_000 }, (_, i) => manifests.rule(`test-r${i}`, port, `/r${i}`, 'web'));
  write(dir, 'rules.yaml', ...rules);
  const instance = await runInstance(t, dir, [], { waitNothing: true });
  await instance.waitForLog((l) => l.msg === 'reading the directory', 30_000);
  instance.child.kill('SIGTERM');
  const exit = await within(instance.exited, 60_000, 'still running');
  t.same(exit, { code: 0, signal: null }, 'a clean exit, not death by signal');
  t.ok(
    instance.logs().some((l) => l.msg === 'stopped before the start completed'),
    'says it stopped while starting',
  );
});
