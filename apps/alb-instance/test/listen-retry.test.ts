// A Frontend whose port is taken when its config is applied: reported (diagnostic, /readyz, metrics) and opened
// as soon as the port is free again. Through the real command line.
import { once } from 'node:events';
import { createServer } from 'node:net';
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

t.test('a busy port is retried until it opens; /readyz is 503 with the reason meanwhile', async (t) => {
  const web = await echoBackend(t, 'web');
  const dir = tempDir(t);
  const free = await freePort();
  const busy = await freePort();
  const squatter = createServer((socket) => socket.end('squatter\n'));
  squatter.listen(busy, '127.0.0.1');
  await once(squatter, 'listening');
  t.teardown(() => squatter.close());
  write(
    dir,
    'alb.yaml',
    manifests.alb(),
    manifests.frontend(free, 'web'),
    manifests.frontend(busy, 'web'),
    manifests.service('web', web.port),
  );
  const instance = await runInstance(t, dir, [], { waitReady: false });
  const logged = await instance.waitForLog((l) => l.code === 'ALB_INSTANCE_LISTEN');
  t.match(logged.msg, new RegExp(`port ${busy}.*EADDRINUSE`));
  t.equal((await get(free, '/x')).body, 'web: GET /x', 'the other Frontend serves');
  const readyz = await eventually(
    () => get(instance.opsPort, '/readyz'),
    (r) => r.status === 503 && r.body.includes(String(busy)),
  );
  t.equal(readyz.status, 503, 'not ready while a Frontend cannot listen');
  t.match(readyz.body, new RegExp(`port ${busy}`), 'and says which port');
  t.match((await get(instance.opsPort, '/metrics')).body, /^alb_listen_failures 1$/m);

  await new Promise<void>((resolve) => squatter.close(() => resolve()));
  const served = await eventually(
    () => get(busy, '/y').catch(() => ({ status: 0, body: '' })),
    (r) => r.body === 'web: GET /y',
    20_000,
  );
  t.equal(served.body, 'web: GET /y', 'the port opens once it is free');
  t.equal((await get(instance.opsPort, '/readyz')).status, 200, 'ready again');
  t.match((await get(instance.opsPort, '/metrics')).body, /^alb_listen_failures 0$/m);
  t.equal(await instance.stop(), 0);
});
