// alb-instance in file mode, end to end through the real command line on temporary directories.
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

t.test('routes, then follows edits, new files and deletions without a restart', async (t) => {
  const web = await echoBackend(t, 'web');
  const api = await echoBackend(t, 'api');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port, 'web'));
  write(dir, 'services.yaml', manifests.service('web', web.port), manifests.service('api', api.port));
  const instance = await runInstance(t, dir);

  t.equal((await get(port, '/api/x')).body, 'web: GET /api/x', 'default backend before any rule');
  write(dir, 'rules.yaml', manifests.rule('test-api', port, '/api', 'api'));
  t.equal(
    (
      await eventually(
        () => get(port, '/api/x'),
        (r) => r.body.startsWith('api'),
      )
    ).body,
    'api: GET /api/x',
    'a new file routes',
  );

  write(dir, 'rules.yaml', manifests.rule('test-api', port, '/v2', 'api'));
  t.equal(
    (
      await eventually(
        () => get(port, '/api/x'),
        (r) => r.body.startsWith('web'),
      )
    ).body,
    'web: GET /api/x',
    'an edit applies',
  );
  t.equal((await get(port, '/v2/y')).body, 'api: GET /v2/y');

  mkdirSync(join(dir, 'more'));
  write(join(dir, 'more'), 'extra.yml', manifests.rule('test-extra', port, '/extra', 'api'));
  t.equal(
    (
      await eventually(
        () => get(port, '/extra'),
        (r) => r.body.startsWith('api'),
      )
    ).body,
    'api: GET /extra',
    'files in subdirectories too',
  );

  rmSync(join(dir, 'rules.yaml'));
  t.equal(
    (
      await eventually(
        () => get(port, '/v2/y'),
        (r) => r.body.startsWith('web'),
      )
    ).body,
    'web: GET /v2/y',
    'a deleted file takes its rules',
  );

  // Editors often save by writing a temp file and renaming it over the original.
  writeFileSync(join(dir, '.tmp-swap'), [manifests.rule('test-api', port, '/swapped', 'api')].join(''));
  renameSync(join(dir, '.tmp-swap'), join(dir, 'rules.yaml'));
  t.equal(
    (
      await eventually(
        () => get(port, '/swapped'),
        (r) => r.body.startsWith('api'),
      )
    ).body,
    'api: GET /swapped',
    'an atomic rename applies',
  );
  t.equal(await instance.stop(), 0);
});

t.test(
  'an invalid file and invalid objects are reported with file, kind, name and field; the rest is served',
  async (t) => {
    const web = await echoBackend(t, 'web');
    const dir = tempDir(t);
    const port = await freePort();
    write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port), manifests.service('web', web.port));
    write(dir, 'good.yaml', manifests.rule('test-good', port, '/good', 'web'));
    write(dir, 'broken.yaml', 'apiVersion: crd.alauda.io/v1\nkind: Rule\nmetadata: { name: x\n');
    write(
      dir,
      'bad-rule.yaml',
      `apiVersion: crd.alauda.io/v1
kind: Rule
metadata: { name: test-bad, namespace: kube-system, labels: { alb2.cpaas.io/name: test, alb2.cpaas.io/frontend: test-${String(port).padStart(5, '0')} } }
spec:
  dslx: [{ type: HEADER, values: [[EQ, x]] }]
`,
    );
    const instance = await runInstance(t, dir);
    t.equal((await get(port, '/good')).body, 'web: GET /good', 'the valid rule is served');
    const syntax = await instance.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('broken.yaml'));
    t.match(syntax.msg, /broken\.yaml.*document 1.*not valid YAML/);
    const bad = await instance.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('test-bad'));
    t.match(bad.msg, /Rule kube-system\/test-bad: spec\.dslx\[0\]\.key: HEADER terms need a key/);
    t.match(bad, { level: 50, code: 'ALB_INSTANCE_INVALID_OBJECT' });
  },
);

t.test('a file that stops parsing keeps its last good objects until it is fixed', async (t) => {
  const web = await echoBackend(t, 'web');
  const api = await echoBackend(t, 'api');
  const dir = tempDir(t);
  const port = await freePort();
  write(
    dir,
    'alb.yaml',
    manifests.alb(),
    manifests.frontend(port, 'web'),
    manifests.service('web', web.port),
    manifests.service('api', api.port),
  );
  write(dir, 'rules.yaml', manifests.rule('test-api', port, '/api', 'api'));
  const instance = await runInstance(t, dir);
  t.equal((await get(port, '/api')).body, 'api: GET /api');
  appendFileSync(join(dir, 'rules.yaml'), 'spec: [unclosed\n');
  await instance.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('kept the objects'));
  t.equal((await get(port, '/api')).body, 'api: GET /api', 'still served from the last good version');
});

t.test('hot reload never fails an in-flight or keep-alive request', async (t) => {
  const web = await echoBackend(t, 'web');
  const api = await echoBackend(t, 'api');
  const dir = tempDir(t);
  const port = await freePort();
  write(
    dir,
    'alb.yaml',
    manifests.alb(),
    manifests.frontend(port, 'web'),
    manifests.service('web', web.port),
    manifests.service('api', api.port),
  );
  await runInstance(t, dir);
  let running = true;
  const failures: string[] = [];
  let ok = 0;
  const clients = Array.from({ length: 4 }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (running) {
      try {
        const reply = await get(port, '/api/x', { agent });
        if (reply.status === 200) ok++;
        else failures.push(`status ${reply.status}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    agent.destroy();
  });
  for (let i = 0; i < 20; i++) {
    write(dir, 'rules.yaml', manifests.rule('test-api', port, i % 2 === 0 ? '/api' : '/other', 'api'));
    await new Promise((r) => setTimeout(r, 40));
  }
  running = false;
  await Promise.all(clients);
  t.same(failures, []);
  t.ok(ok > 50, `${ok} requests during 20 edits`);
});

t.test('SIGTERM: not ready, in-flight requests finish, new ones are refused, exit 0', async (t) => {
  const pending: Array<() => void> = [];
  const slow = await echoBackend(t, 'slow', (req, res) => {
    req.resume();
    pending.push(() => res.end('late'));
  });
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port, 'slow'), manifests.service('slow', slow.port));
  const instance = await runInstance(t, dir, ['--drain-timeout', '10']);
  const inFlight = get(port, '/slow');
  while (pending.length === 0) await new Promise((r) => setTimeout(r, 10));
  const exited = instance.stop('SIGTERM');
  await instance.waitForLog((l) => l.msg === 'shutting down: draining in-flight requests');
  t.equal(
    (await get(instance.opsPort, '/readyz').catch(() => ({ status: 0 }))).status !== 200,
    true,
    'not ready while draining',
  );
  await t.rejects(get(port, '/new'), 'new connections are refused');
  pending[0]!();
  t.equal((await inFlight).body, 'late', 'the in-flight request completed');
  t.equal(await exited, 0);
});

t.test('ops port: healthz, readyz and metrics', async (t) => {
  const web = await echoBackend(t, 'web');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port, 'web'), manifests.service('web', web.port));
  const instance = await runInstance(t, dir);
  await get(port, '/');
  t.equal((await get(instance.opsPort, '/healthz')).body, 'ok\n');
  t.equal((await get(instance.opsPort, '/readyz')).status, 200);
  const metrics = (await get(instance.opsPort, '/metrics')).body;
  t.match(metrics, `alb_http_requests_total{port="${port}",rule="",status="200"} 1`);
  t.match(metrics, /alb_config_applies_total 1/);
  t.match(metrics, /alb_config_rules 0/);
  t.equal((await get(instance.opsPort, '/nope')).status, 404);
});

t.test('bad command lines get exit code 2 and the usage', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const main = new URL('../src/main.ts', import.meta.url).pathname;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--conditions=@alb/source', main, ...args], { encoding: 'utf8' });
  t.match(run('--source', 'file'), {
    status: 2,
    stderr: /--dir is required with --source file \[ALB_INSTANCE_USAGE\][\s\S]*usage:/,
  });
  t.match(run('--source', 'ftp'), { status: 2, stderr: /--source must be file or kube/ });
  t.match(run('--dir', '/tmp', '--workers', 'x'), { status: 2, stderr: /--workers must be a number, got x/ });
  t.match(run('--dir', '/tmp', '--lease-duration', '5', '--renew-deadline', '5'), {
    status: 2,
    stderr: /--lease-duration \(5s\) must be greater than --renew-deadline \(5s\)/,
  });
  t.match(run('--dir', '/tmp', '--renew-deadline', '2', '--retry-period', '2'), {
    status: 2,
    stderr: /--renew-deadline \(2s\) must be greater than 1.2 × --retry-period \(2s\)/,
  });
  t.match(run('--help'), { status: 0, stdout: /alb-instance --source file --dir <path>/ });
});
