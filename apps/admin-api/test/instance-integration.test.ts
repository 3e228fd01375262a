// File mode end to end: alb-instance watches a directory, the admin API writes into it; a Frontend and a Rule
// created through the API serve real traffic on loopback, and deleting the Frontend closes the port.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { albYaml, call, fileApp, freePort, get, tokens } from './helpers.ts';

const instanceMain = new URL('../../alb-instance/src/main.ts', import.meta.url).pathname;

async function until<T>(check: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const service = (name: string, port: number) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: demo }
spec: { ports: [{ port: 80, targetPort: ${port} }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${name}-1, namespace: demo, labels: { kubernetes.io/service-name: ${name} } }
addressType: IPv4
ports: [{ port: ${port} }]
endpoints: [{ addresses: [127.0.0.1] }]
`;

t.test('a Frontend and a Rule created through the API route traffic', { timeout: 90_000 }, async (t) => {
  const backends: Record<string, number> = {};
  for (const name of ['web', 'api']) {
    const server = createServer((req, res) => res.end(`${name}: ${req.url}`)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.teardown(() => server.close());
    backends[name] = (server.address() as AddressInfo).port;
  }
  const port = await freePort();
  const { app, dir } = await fileApp(t, {
    'alb.yaml': albYaml(
      'lb',
      `    enablePortProject: true\n    portProjects: '[{"port":"${port}","projects":["p1"]}]'\n`,
    ),
    'services.yaml': `${service('web', backends.web!)}---\n${service('api', backends.api!)}`,
  });
  const opsPort = await freePort();
  const instance = spawn(
    process.execPath,
    [
      '--conditions=@alb/source',
      instanceMain,
      '--dir',
      dir,
      '--alb',
      'lb',
      '--workers',
      '1',
      '--ops-port',
      String(opsPort),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  instance.stdout.on('data', (c: Buffer) => (output += c));
  instance.stderr.on('data', (c: Buffer) => (output += c));
  t.teardown(() => instance.kill('SIGKILL'));
  const ready = await until(
    () =>
      get(opsPort, '/readyz').then(
        (r) => r.status,
        () => 0,
      ),
    (s) => s === 200,
    60_000,
  );
  t.equal(ready, 200, `the instance is ready\n${output.slice(-2000)}`);
  await t.rejects(get(port, '/'), 'nothing listens on the port yet');

  const created = await call(app, 'POST', '/v1/projects/p1/frontends', tokens.p1, {
    alb: { namespace: 'albs', name: 'lb' },
    spec: {
      port,
      protocol: 'http',
      serviceGroup: { services: [{ name: 'web', namespace: 'demo', port: 80, weight: 100 }] },
    },
  });
  t.equal(created.status, 201);
  const started = Date.now();
  const served = await until(
    () => get(port, '/hello').catch(() => ({ status: 0, body: '' })),
    (r) => r.status === 200,
  );
  t.same(served, { status: 200, body: 'web: /hello' }, 'the default backend answers');
  t.comment(`created -> first routed request: ${Date.now() - started} ms`);

  const rule = await call(
    app,
    'POST',
    `/v1/projects/p1/frontends/albs/lb-${String(port).padStart(5, '0')}/rules`,
    tokens.p1,
    {
      name: 'api',
      spec: {
        priority: 1,
        dslx: [{ type: 'URL', values: [['PATH_PREFIX', '/api']] }],
        serviceGroup: { services: [{ name: 'api', namespace: 'demo', port: 80, weight: 100 }] },
      },
    },
  );
  t.equal(rule.status, 201);
  const routed = await until(
    () => get(port, '/api/users'),
    (r) => r.body.startsWith('api:'),
  );
  t.same(routed, { status: 200, body: 'api: /api/users' }, 'the Rule routes');
  t.equal((await get(port, '/other')).body, 'web: /other');

  t.equal(
    (await call(app, 'DELETE', `/v1/projects/p1/frontends/albs/lb-${String(port).padStart(5, '0')}`, tokens.p1)).status,
    204,
  );
  const closed = await until(
    () =>
      get(port, '/').then(
        () => 'open',
        () => 'closed',
      ),
    (s) => s === 'closed',
  );
  t.equal(closed, 'closed', 'deleting the Frontend closes the port');
  writeFileSync(join(dir, 'note.txt'), 'not a manifest');
  instance.kill('SIGTERM');
  const [code] = await once(instance, 'exit');
  t.equal(code, 0, 'the instance stops cleanly');
  t.notMatch(output, /not valid YAML/, 'no manifest problem was ever reported');
});
