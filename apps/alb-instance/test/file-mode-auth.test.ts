// Auth in file mode: basic auth from Secrets written by Debian's htpasswd (Rules and Ingress annotations), live
// Secret changes, a missing Secret failing closed, and forward auth from Ingress annotations.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

const hash = (flag: string, user: string, password: string) =>
  execFileSync('htpasswd', ['-nb', flag, user, password], { encoding: 'utf8' }).trim();

const basic = (user: string, password: string) => ({
  headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
});

const secret = (name: string, data: Record<string, string>) => `apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: default }
type: Opaque
data:
${Object.entries(data)
  .map(([k, v]) => `  ${JSON.stringify(k)}: ${Buffer.from(v).toString('base64')}`)
  .join('\n')}
`;

t.test('basic auth on a Rule: Secret from htpasswd, live changes, missing Secret fails closed', async (t) => {
  const web = await echoBackend(t, 'web');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.alb(), manifests.frontend(port));
  write(dir, 'services.yaml', manifests.service('web', web.port));
  write(
    dir,
    'rules.yaml',
    manifests.rule(
      'private',
      port,
      '/private',
      'web',
      '  config: { auth: { basic: { secret: default/users, realm: staff, secret_type: auth-file } } }\n',
    ),
    manifests.rule('public', port, '/public', 'web'),
  );
  write(dir, 'secret.yaml', secret('users', { auth: `${hash('-B', 'alice', 'pw1')}\n${hash('-m', 'bob', 'pw2')}\n` }));
  const instance = await runInstance(t, dir);

  t.equal((await get(port, '/public')).status, 200);
  const challenge = await get(port, '/private');
  t.equal(challenge.status, 401);
  t.equal(challenge.headers['www-authenticate'], 'Basic realm="staff"');
  t.equal((await get(port, '/private', basic('alice', 'pw1'))).body, 'web: GET /private');
  t.equal((await get(port, '/private', basic('bob', 'pw2'))).status, 200);
  t.equal((await get(port, '/private', basic('bob', 'pw1'))).status, 401);

  write(dir, 'secret.yaml', secret('users', { auth: `${hash('-s', 'bob', 'changed')}\n` }));
  const changed = await eventually(
    () => get(port, '/private', basic('alice', 'pw1')),
    (r) => r.status === 401,
  );
  t.equal(changed.status, 401, 'a user removed from the Secret is refused without a restart');
  t.equal((await get(port, '/private', basic('bob', 'changed'))).status, 200, 'the new hash applies');

  write(dir, 'secret.yaml', '');
  const gone = await eventually(
    () => get(port, '/private', basic('bob', 'changed')),
    (r) => r.status === 503,
  );
  t.equal(gone.status, 503, 'a missing Secret answers 503: never open, never left to a broader rule');
  t.match(gone.headers['x-alb-err-reason'], /AuthFail/);
  t.equal((await get(port, '/public')).status, 200, 'other rules keep serving');
  await eventually(
    async () => instance.logs().some((l) => String(l.msg ?? '').includes('Secret default/users not found')),
    (seen) => seen,
  );
  t.ok(
    instance.logs().some((l) => String(l.msg ?? '').includes('ALB_INSTANCE_AUTH')),
    'the diagnostic names the Secret and its code',
  );
});

const albServingIngress = (httpPort: number) => `apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: test, namespace: kube-system }
spec:
  type: nginx
  config: { projects: [ALL_ALL], ingressHTTPPort: ${httpPort}, ingressHTTPSPort: 0 }
`;

const ingress = (name: string, path: string, annotations: Record<string, string>) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: default
  annotations:
${Object.entries(annotations)
  .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)
  .join('\n')}
spec:
  ingressClassName: test
  rules:
    - http:
        paths:
          - { path: ${path}, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
`;

t.test('Ingress auth annotations: basic (auth-map) and forward auth', async (t) => {
  const web = await echoBackend(t, 'web', (req, res) => {
    req.resume();
    req.on('end', () => res.end(`web: ${req.url} user=${req.headers['x-user'] ?? '-'}`));
  });
  const authSeen: Array<Record<string, unknown>> = [];
  const authService = createServer((req, res) => {
    authSeen.push(req.headers);
    const ok = req.headers['x-token'] === 'let-me-in';
    res.writeHead(ok ? 200 : 401, ok ? { 'X-User': 'carol' } : {});
    res.end();
  });
  authService.listen(0, '127.0.0.1');
  await once(authService, 'listening');
  t.teardown(() => authService.close());
  const authPort = (authService.address() as AddressInfo).port;

  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', albServingIngress(port));
  write(dir, 'services.yaml', manifests.service('web', web.port));
  write(dir, 'secret.yaml', secret('map', { dave: hash('-B', 'dave', 'pw').split(':')[1]! }));
  write(
    dir,
    'ingress.yaml',
    ingress('basic', '/basic', {
      'nginx.ingress.kubernetes.io/auth-type': 'basic',
      'nginx.ingress.kubernetes.io/auth-secret': 'map',
      'nginx.ingress.kubernetes.io/auth-secret-type': 'auth-map',
      'nginx.ingress.kubernetes.io/auth-realm': 'map realm',
    }),
    ingress('forward', '/forward', {
      'nginx.ingress.kubernetes.io/auth-url': `http://127.0.0.1:${authPort}/check?h=$host`,
      'nginx.ingress.kubernetes.io/auth-response-headers': 'X-User',
    }),
    ingress('open', '/open', {}),
  );
  await runInstance(t, dir);
  await eventually(
    () => get(port, '/open'),
    (r) => r.status === 200,
  );

  const challenge = await get(port, '/basic');
  t.equal(challenge.status, 401);
  t.equal(challenge.headers['www-authenticate'], 'Basic realm="map realm"');
  t.equal((await get(port, '/basic', basic('dave', 'pw'))).status, 200);
  t.equal((await get(port, '/basic', basic('dave', 'nope'))).status, 401);

  t.equal((await get(port, '/forward')).status, 401, 'the auth service said no');
  const allowed = await get(port, '/forward/x', { headers: { 'x-token': 'let-me-in', 'x-user': 'mallory' } });
  t.equal(allowed.status, 200);
  t.equal(allowed.body, 'web: /forward/x user=carol', "the auth service's X-User, not the client's");
  t.equal(authSeen.at(-1)!['x-original-url'], `http://127.0.0.1:${port}/forward/x`);
});
