// TLS in kube mode on a real API server: an Ingress with spec.tls is translated to an https Frontend and Rule,
// the instance watches only kubernetes.io/tls Secrets and serves the Ingress's certificate by SNI (verified by
// curl), HTTP/2 included; a rotated Secret is served without a restart; a bad one keeps the last good one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupTestEnv } from '@alb/kube-testenv';
import t from 'tap';
import { backend, serviceFor } from '../src/backends.ts';
import { curlHttps, selfSigned, tlsSecret } from '../src/certificates.ts';
import { apply, installCrds, yaml } from '../src/cluster.ts';
import { backendAddress } from '../src/test-netns.ts';
import { eventually, freePort, startInstance } from '../src/instance-process.ts';

t.test('an Ingress with spec.tls serves its Secret by SNI, rotated live', { timeout: 300_000 }, async (t) => {
  const env = await setupTestEnv(t);
  await installCrds(env);
  const address = backendAddress();
  await apply(env, ...serviceFor('web', address, await backend(t, address, 'web')));
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const first = selfSigned('shop.example.com');
  const [alb, ingress] = yaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: tls, namespace: kube-system }
spec: { address: 192.0.2.8, type: nginx, config: { projects: [ALL_ALL], ingressHTTPPort: ${httpPort}, ingressHTTPSPort: ${httpsPort} } }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: default }
spec:
  ingressClassName: tls
  tls: [{ hosts: [shop.example.com], secretName: shop-tls }]
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }`);
  await apply(env, alb!, ingress!, tlsSecret('default', 'shop-tls', first));
  const args = ['--source', 'kube', '--kubeconfig', env.kubeconfigPath, '--alb', 'tls', '--namespace', 'kube-system'];
  const instance = await startInstance([...args, '--bind', '127.0.0.1'], (fn) => t.teardown(fn));

  const caFile = join(env.dir!, 'shop-ca.pem');
  writeFileSync(caFile, first.cert);
  const served = await eventually(
    () => curlHttps('127.0.0.1', httpsPort, 'shop.example.com', caFile, '/'),
    (r) => r.status === 200,
    30_000,
  );
  t.equal(served.body, 'web: GET /', 'curl verified the Ingress certificate for shop.example.com and was routed');

  const second = selfSigned('shop.example.com');
  await apply(env, tlsSecret('default', 'shop-tls', second));
  writeFileSync(caFile, second.cert);
  const rotated = await eventually(
    () => curlHttps('127.0.0.1', httpsPort, 'shop.example.com', caFile, '/'),
    (r) => r.status === 200,
    30_000,
  );
  t.equal(rotated.body, 'web: GET /', 'the rotated certificate is served (curl trusts only the new one)');

  await apply(env, tlsSecret('default', 'shop-tls', { cert: first.cert, key: second.key }));
  await eventually(
    async () => instance.output(),
    (out) => out.includes('ALB_INSTANCE_BAD_CERTIFICATE'),
    30_000,
  );
  const kept = await curlHttps('127.0.0.1', httpsPort, 'shop.example.com', caFile, '/');
  t.equal(kept.status, 200, 'a bad revision leaves the last good certificate serving');
});
