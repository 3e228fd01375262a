// A directory or file that cannot be read is a source failure: the last good objects keep serving, and the
// failure is a diagnostic naming the path, a reason in /readyz and a metric. Through the real command line.
import { chmodSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

t.test('a deleted directory keeps the last config serving, /readyz says why, and it recovers', async (t) => {
  const web = await echoBackend(t, 'web');
  const api = await echoBackend(t, 'api');
  const parent = tempDir(t);
  const dir = join(parent, 'config');
  mkdirSync(dir);
  const port = await freePort();
  const files = () => {
    write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port, 'web'));
    write(dir, 'services.yaml', manifests.service('web', web.port), manifests.service('api', api.port));
    write(dir, 'rules.yaml', manifests.rule('test-api', port, '/api', 'api'));
  };
  files();
  const instance = await runInstance(t, dir);
  t.equal((await get(port, '/api/x')).body, 'api: GET /api/x');

  renameSync(dir, join(parent, 'moved-away'));
  const notReady = await eventually(
    () => get(instance.opsPort, '/readyz'),
    (r) => r.status === 503,
  );
  t.equal(notReady.status, 503, 'not ready once the directory is gone');
  t.match(notReady.body, dir, '/readyz names the directory');
  const logged = await instance.waitForLog((l) => l.code === 'ALB_INSTANCE_SOURCE');
  t.match(logged.msg, dir, 'a diagnostic names the directory');
  t.equal((await get(port, '/api/x')).body, 'api: GET /api/x', 'the last good config keeps serving');
  t.match((await get(instance.opsPort, '/metrics')).body, /^alb_source_failures 1$/m);

  rmSync(join(parent, 'moved-away'), { recursive: true });
  mkdirSync(dir);
  files();
  write(dir, 'rules.yaml', manifests.rule('test-api', port, '/v2', 'api'));
  const ready = await eventually(
    () => get(instance.opsPort, '/readyz'),
    (r) => r.status === 200,
    15_000,
  );
  t.equal(ready.status, 200, 'ready again once the directory is back');
  t.equal(
    (
      await eventually(
        () => get(port, '/v2/y'),
        (r) => r.body.startsWith('api'),
      )
    ).body,
    'api: GET /v2/y',
    'and its files are read again',
  );
  t.match((await get(instance.opsPort, '/metrics')).body, /^alb_source_failures 0$/m);
  t.equal(await instance.stop(), 0);
});

t.test('a file that cannot be read (EACCES) keeps its objects and is reported', async (t) => {
  const web = await echoBackend(t, 'web');
  const api = await echoBackend(t, 'api');
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port, 'web'));
  write(dir, 'services.yaml', manifests.service('web', web.port), manifests.service('api', api.port));
  write(dir, 'rules.yaml', manifests.rule('test-api', port, '/api', 'api'));
  // Permissions do not bind root: run the instance as nobody then.
  const uid = process.getuid?.() === 0 ? 65534 : undefined;
  const instance = await runInstance(t, dir, [], uid === undefined ? {} : { uid });
  t.equal((await get(port, '/api/x')).body, 'api: GET /api/x');

  // A change the instance cannot read: the new rule must not replace the old one, and the old one must stay.
  write(dir, 'rules.yaml', manifests.rule('test-api', port, '/other', 'api'));
  chmodSync(join(dir, 'rules.yaml'), 0o000);
  const logged = await instance.waitForLog((l) => l.code === 'ALB_INSTANCE_SOURCE');
  t.match(logged.msg, /rules\.yaml/, 'the diagnostic names the file');
  t.match(logged.msg, /EACCES/, 'and says why');
  t.equal((await get(port, '/api/x')).body, 'api: GET /api/x', 'its objects are not dropped');
  const readyz = await get(instance.opsPort, '/readyz');
  t.equal(readyz.status, 503);
  t.match(readyz.body, /rules\.yaml/);

  chmodSync(join(dir, 'rules.yaml'), 0o644);
  t.equal(
    (
      await eventually(
        () => get(port, '/other'),
        (r) => r.body.startsWith('api'),
        15_000,
      )
    ).body,
    'api: GET /other',
    'read once it can be',
  );
  t.equal((await get(instance.opsPort, '/readyz')).status, 200);
  t.equal(await instance.stop(), 0);
});
