// File mode translates Ingresses in memory: an Ingress in the directory routes like the Rules it translates to.
import t from 'tap';
import { echoBackend, eventually, freePort, get, manifests, runInstance, tempDir, write } from './helpers.ts';

const ingress = (name: string, path: string, service: string, extra = '') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: default${extra} }
spec:
  ingressClassName: test
  rules:
    - host: shop.example.com
      http:
        paths:
          - { path: ${path}, pathType: Prefix, backend: { service: { name: ${service}, port: { number: 80 } } } }
`;

t.test('an Ingress routes; edits and deletions follow; other classes are ignored', async (t) => {
  const web = await echoBackend(t, 'web');
  const api = await echoBackend(t, 'api');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.albServingIngress(port));
  write(dir, 'services.yaml', manifests.service('web', web.port), manifests.service('api', api.port));
  write(dir, 'ingress.yaml', ingress('shop', '/api', 'api'));
  const instance = await runInstance(t, dir);
  const shop = { headers: { host: 'shop.example.com' } };

  t.equal((await get(port, '/api/cart', shop)).body, 'api: GET /api/cart', 'the translated Frontend and Rule route');
  t.equal((await get(port, '/api/cart', { headers: { host: 'other.example.com' } })).status, 404, 'host is matched');

  write(dir, 'ingress.yaml', ingress('shop', '/web', 'web'));
  const edited = await eventually(
    () => get(port, '/web/x', shop),
    (r) => r.body.startsWith('web'),
  );
  t.equal(edited.body, 'web: GET /web/x', 'an edited Ingress applies');
  t.equal((await get(port, '/api/cart', shop)).status, 404, 'its old path is gone');

  write(
    dir,
    'other.yaml',
    ingress('elsewhere', '/other', 'api', '').replace('ingressClassName: test', 'ingressClassName: nginx'),
  );
  write(dir, 'ingress.yaml', ingress('shop', '/web', 'web'), ingress('shop2', '/api2', 'api'));
  await eventually(
    () => get(port, '/api2', shop),
    (r) => r.body.startsWith('api'),
  );
  t.equal((await get(port, '/other', shop)).status, 404, 'an Ingress of another class is not served');

  write(dir, 'ingress.yaml', ingress('shop2', '/api2', 'api'));
  const deleted = await eventually(
    () => get(port, '/web/x', shop),
    (r) => r.status === 404,
  );
  t.equal(deleted.status, 404, 'a deleted Ingress takes its routes');
  t.equal((await get(port, '/api2', shop)).body, 'api: GET /api2', 'the remaining Ingress is still served');

  // File mode keeps translated Frontends in memory only: with no Ingress left, the Ingress port closes.
  write(dir, 'ingress.yaml', '');
  const closed = await eventually(
    () =>
      get(port, '/api2', shop).then(
        (r) => r.status,
        (err: NodeJS.ErrnoException) => err.code,
      ),
    (r) => r === 'ECONNREFUSED',
  );
  t.equal(closed, 'ECONNREFUSED', 'no Ingress left: the Ingress Frontend is gone');
  t.notOk(
    instance.logs().some((l) => l.level === 50),
    'no errors were logged',
  );
});

t.test('a bad Ingress is reported by name and field; the others are served', async (t) => {
  const api = await echoBackend(t, 'api');
  const dir = tempDir(t);
  const port = await freePort();
  write(dir, 'alb.yaml', manifests.albServingIngress(port));
  write(dir, 'services.yaml', manifests.service('api', api.port));
  write(
    dir,
    'ingress.yaml',
    ingress('good', '/api', 'api'),
    ingress('bad', '/bad', 'api', ', annotations: { nginx.ingress.kubernetes.io/proxy-read-timeout: "soon" }'),
  );
  const instance = await runInstance(t, dir);
  t.equal(
    (await get(port, '/api', { headers: { host: 'shop.example.com' } })).body,
    'api: GET /api',
    'the good Ingress is served',
  );
  const report = await instance.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('default/bad'));
  t.match(report.msg, /proxy-read-timeout/);
});
