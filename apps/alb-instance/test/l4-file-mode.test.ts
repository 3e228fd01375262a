// tcp Frontends through the real command line: a Debian redis-server behind a Service, driven by redis-cli; a
// busy port reported on its own Frontend while the rest is served; L4 counters on /metrics.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

const run = promisify(execFile);

/** A real redis-server on a free loopback port (Debian redis-server; .ci/run installs it). */
async function startRedis(t: Test): Promise<number> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: 'ignore',
  });
  t.teardown(() => server.kill('SIGKILL'));
  const pong = await eventually(
    () =>
      run('redis-cli', ['-p', String(port), 'PING']).then(
        (r) => r.stdout.trim(),
        () => '',
      ),
    (answer) => answer === 'PONG',
  );
  if (pong !== 'PONG') throw new Error(`redis-server did not start on port ${port}`);
  return port;
}

const tcpFrontend = (port: number, service: string, extra = '') => `apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: test-${String(port).padStart(5, '0')}, namespace: kube-system, labels: { alb2.cpaas.io/name: test } }
spec:
  port: ${port}
  protocol: tcp
  serviceGroup: { services: [{ name: ${service}, namespace: default, port: 80 }] }
${extra}`;

t.test('a tcp Frontend forwards redis; a busy port fails alone; L4 metrics', async (t) => {
  const redisPort = await startRedis(t);
  const dir = tempDir(t);
  const port = await freePort();
  const busy = await freePort();
  const squatter = createServer((socket) => socket.end());
  squatter.listen(busy, '127.0.0.1');
  await once(squatter, 'listening');
  t.teardown(() => squatter.close());
  write(
    dir,
    'alb.yaml',
    manifests.alb(),
    tcpFrontend(port, 'redis', '  config: { timeout: { proxy_connect_timeout_ms: 1000 } }\n'),
    tcpFrontend(busy, 'redis'),
    manifests.service('redis', redisPort),
  );
  const instance = await runInstance(t, dir, [], { waitReady: false });
  const logged = await instance.waitForLog((l) => l.code === 'ALB_INSTANCE_LISTEN');
  t.match(logged.msg, new RegExp(`Frontend kube-system/test-${String(busy).padStart(5, '0')}.*port ${busy}`));

  const set = await eventually(
    () =>
      run('redis-cli', ['-p', String(port), 'SET', 'k', 'through the tcp Frontend']).then(
        (r) => r.stdout.trim(),
        () => '',
      ),
    (answer) => answer === 'OK',
  );
  t.equal(set, 'OK', 'redis-cli talks to redis-server through the Frontend');
  t.equal((await run('redis-cli', ['-p', String(redisPort), 'GET', 'k'])).stdout.trim(), 'through the tcp Frontend');
  t.notOk(
    instance.logs().some((l) => l.code === 'ALB_INSTANCE_UNSUPPORTED'),
    'tcp Frontends are not reported as unsupported',
  );
  const metrics = await eventually(
    () => get(instance.opsPort, '/metrics'),
    (r) => r.body.includes(`alb_l4_connections_active{port="${port}",protocol="tcp"} 0`),
  );
  t.match(metrics.body, new RegExp(`^alb_l4_connections_total\\{port="${port}",protocol="tcp"\\} 1$`, 'm'));
  t.match(metrics.body, new RegExp(`^alb_l4_received_bytes_total\\{port="${port}",protocol="tcp"\\} [1-9]`, 'm'));
  t.equal(await instance.stop(), 0);
});
