// Kube mode reads basic-auth Secrets by name only (a real kube-apiserver): a Rule's Secret protects its path,
// edits apply live, and a deleted Secret fails closed (503).
import { execFileSync } from 'node:child_process';
import { pino } from 'pino';
import t from 'tap';
import { parseOptions } from '../../src/cli-options.ts';
import { startInstance } from '../../src/instance.ts';
import { eventually, freePort, get } from '../helpers.ts';
import { createAlbAndFrontend, freshNamespace, installCrds, kubeEnv, must } from './kube-env.ts';

const htpasswd = (user: string, password: string) =>
  execFileSync('htpasswd', ['-nbB', user, password], { encoding: 'utf8' }).trim();
const basic = (user: string, password: string) => ({
  headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
});

t.test('basic-auth Secrets in kube mode', { timeout: 300_000 }, async (t) => {
  const kube = await kubeEnv(t);
  await installCrds(kube.env);
  const ns = await freshNamespace(kube.env);
  const port = await freePort();
  const secretBody = (auth: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'users', namespace: ns },
    data: { auth: Buffer.from(`${auth}\n`).toString('base64') },
  });
  await must(kube.env, 'POST', `/api/v1/namespaces/${ns}/secrets`, secretBody(htpasswd('alice', 'pw1')));
  await must(kube.env, 'POST', `/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'unrelated', namespace: ns },
    stringData: { token: 'not for the ALB' },
  });
  const { ruleLabels } = await createAlbAndFrontend(kube.env, ns, port);
  // The API server refuses loopback endpoints: the backend is a documentation address nobody answers on, with a
  // short connect timeout. Past auth a request gets 502/504; stopped by auth it gets 401 or 503.
  await must(kube.env, 'POST', `/api/v1/namespaces/${ns}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: ns },
    spec: { ports: [{ port: 80, targetPort: 8080 }] },
  });
  await must(kube.env, 'POST', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-1', namespace: ns, labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ port: 8080 }],
    endpoints: [{ addresses: ['192.0.2.10'] }],
  });
  await must(kube.env, 'POST', `/apis/crd.alauda.io/v1/namespaces/${ns}/rules`, {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Rule',
    metadata: { name: 'private', namespace: ns, labels: ruleLabels },
    spec: {
      priority: 5,
      dslx: [{ type: 'URL', values: [['STARTS_WITH', '/']] }],
      serviceGroup: { services: [{ name: 'web', namespace: ns, port: 80, weight: 100 }] },
      config: {
        auth: { basic: { secret: `${ns}/users`, realm: 'kube' } },
        timeout: { proxy_connect_timeout_ms: 200 },
      },
    },
  });

  const options = parseOptions([
    ...['--source', 'kube', '--kubeconfig', kube.env.kubeconfigPath, '--alb', 'alb', '--namespace', ns],
    ...['--bind', '127.0.0.1', '--ops-port', '0', '--workers', '1', '--drain-timeout', '0'],
  ]);
  const instance = await startInstance(options, pino({ level: 'silent' }));
  t.teardown(() => instance.shutdown());
  const passedAuth = (status: number) => status === 502 || status === 504;

  const challenge = await get(port, '/');
  t.equal(challenge.status, 401, 'the Secret was read before the first config: no 503 window at startup');
  t.equal(challenge.headers['www-authenticate'], 'Basic realm="kube"');
  t.ok(passedAuth((await get(port, '/', basic('alice', 'pw1'))).status), 'the right password passes auth');
  t.equal((await get(port, '/', basic('alice', 'nope'))).status, 401);

  await must(kube.env, 'PUT', `/api/v1/namespaces/${ns}/secrets/users`, secretBody(htpasswd('alice', 'pw2')));
  const edited = await eventually(
    () => get(port, '/', basic('alice', 'pw1')),
    (r) => r.status === 401,
    15_000,
  );
  t.equal(edited.status, 401, 'an edited Secret applies without a restart');
  t.ok(passedAuth((await get(port, '/', basic('alice', 'pw2'))).status));

  await must(kube.env, 'DELETE', `/api/v1/namespaces/${ns}/secrets/users`);
  const deleted = await eventually(
    () => get(port, '/', basic('alice', 'pw2')),
    (r) => r.status === 503,
    15_000,
  );
  t.equal(deleted.status, 503, 'a deleted Secret fails closed');
});
