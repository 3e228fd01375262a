// A hostile file (a YAML alias bomb) is refused with a diagnostic naming it; the process and the other files
// are unaffected. Through the real command line.
import t from 'tap';
import { aliasBomb } from './fixtures/alias-bomb.ts';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

t.test('an alias bomb is refused, at start and when it appears later; the rest is served', async (t) => {
  const web = await echoBackend(t, 'web');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port), manifests.service('web', web.port));
  write(dir, 'rules.yaml', manifests.rule('test-a', port, '/a', 'web'));
  const bomb = aliasBomb(9);
  t.ok(bomb.length < 1000, `the bomb is ${bomb.length} bytes`);
  write(dir, 'bomb.yaml', bomb);
  const instance = await runInstance(t, dir);
  t.equal((await get(port, '/a')).body, 'web: GET /a', 'the other files are served');
  const refused = await instance.waitForLog((l) => l.code === 'ALB_INSTANCE_MANIFEST_LIMIT');
  t.match(refused.msg, /bomb\.yaml/, 'the diagnostic names the file');
  t.match(refused.msg, /alias/, 'and says what is wrong');

  write(dir, 'later.yaml', aliasBomb(9, 'bomb-two'));
  write(dir, 'rules.yaml', manifests.rule('test-a', port, '/b', 'web'));
  t.equal(
    (
      await eventually(
        () => get(port, '/b'),
        (r) => r.status === 200,
      )
    ).body,
    'web: GET /b',
    'later changes are still served',
  );
  await instance.waitForLog((l) => l.code === 'ALB_INSTANCE_MANIFEST_LIMIT' && String(l.msg).includes('later.yaml'));
  t.equal(instance.child.exitCode, null, 'the process is alive');
  t.equal(await instance.stop(), 0);
});
