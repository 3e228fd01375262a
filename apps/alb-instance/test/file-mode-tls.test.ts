// https Frontends in file mode: certificates from kubernetes.io/tls Secret YAML, chosen by SNI, rotated live.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { echoBackend, eventually, freePort, manifests, runInstance, tempDir, write } from './helpers.ts';
import { makeCertificate, sameCertificate, servedCertificate, tlsSecret } from './tls-certificates.ts';

function httpsFrontend(port: number, certificate: string, service: string): string {
  return `apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: test-${String(port).padStart(5, '0')}, namespace: kube-system, labels: { alb2.cpaas.io/name: test } }
spec:
  port: ${port}
  protocol: https
  certificate_name: ${certificate}
  serviceGroup: { services: [{ name: ${service}, namespace: default, port: 80, weight: 100 }] }
`;
}

/** curl (a real client) over https with SNI `host` resolved to loopback and `ca` trusted: status and body. */
function curl(port: number, host: string, ca: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const args = ['-sS', '--max-time', '10', '--cacert', ca, '--resolve', `${host}:${port}:127.0.0.1`];
    const child = spawn('curl', [...args, '-w', '\n%{http_code}', `https://${host}:${port}${path}`]);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const cut = out.lastIndexOf('\n');
      resolve({ status: Number(out.slice(cut + 1)), body: out.slice(0, cut) });
    });
  });
}

t.test(
  'https Frontend: port certificate, Rule SNI certificates, rotation, a bad Secret keeps the last good one',
  async (t) => {
    const web = await echoBackend(t, 'web');
    const api = await echoBackend(t, 'api');
    const dir = tempDir(t);
    const port = await freePort();
    const portCert = makeCertificate(['port.local']);
    const siteA = makeCertificate(['a.example.com']);
    const wild = makeCertificate(['*.example.com']);
    write(dir, 'alb.yaml', manifests.alb(), httpsFrontend(port, 'certs_port', 'web'));
    write(dir, 'services.yaml', manifests.service('web', web.port), manifests.service('api', api.port));
    write(
      dir,
      'rules.yaml',
      manifests.rule('site-a', port, '/api', 'api', '  domain: a.example.com\n  certificate_name: certs/site-a\n'),
      manifests.rule('wild', port, '/wild', 'api', '  domain: "*.example.com"\n  certificate_name: certs_wild\n'),
    );
    write(dir, 'secrets.yaml', tlsSecret('certs', 'port', portCert), tlsSecret('certs', 'wild', wild));
    write(dir, 'site-a.yaml', tlsSecret('certs', 'site-a', siteA));
    const caFile = join(dir, 'ca.pem.txt');
    writeFileSync(caFile, siteA.cert);
    const instance = await runInstance(t, dir);

    t.ok(sameCertificate(await servedCertificate(port), portCert.cert), 'no SNI: the Frontend certificate');
    t.ok(sameCertificate(await servedCertificate(port, 'a.example.com'), siteA.cert), 'exact domain');
    t.ok(sameCertificate(await servedCertificate(port, 'b.example.com'), wild.cert), 'wildcard domain');
    t.equal(await servedCertificate(port, 'other.org'), null, 'an unknown name is refused (no fallback by default)');
    t.same(
      await curl(port, 'a.example.com', caFile, '/api/x'),
      { status: 200, body: 'api: GET /api/x' },
      'curl, verified',
    );

    const rotated = makeCertificate(['a.example.com']);
    write(dir, 'site-a.yaml', tlsSecret('certs', 'site-a', rotated));
    const served = await eventually(
      () => servedCertificate(port, 'a.example.com'),
      (pem) => sameCertificate(pem, rotated.cert),
    );
    t.ok(sameCertificate(served, rotated.cert), 'the rotated certificate, without a restart');

    write(dir, 'site-a.yaml', tlsSecret('certs', 'site-a', { cert: siteA.cert, key: rotated.key }));
    const report = await instance.waitForLog(
      (l) =>
        typeof l.msg === 'string' &&
        l.msg.includes('ALB_INSTANCE_BAD_CERTIFICATE') &&
        l.msg.includes('Secret certs/site-a'),
    );
    t.match(report.msg, /does not match the certificate; the last good revision keeps serving/);
    t.ok(sameCertificate(await servedCertificate(port, 'a.example.com'), rotated.cert), 'the last good one serves');

    write(dir, 'alb.yaml', manifests.alb(), httpsFrontend(port, 'certs/missing', 'web'));
    const missing = await instance.waitForLog(
      (l) => typeof l.msg === 'string' && l.msg.includes('ALB_INSTANCE_CERTIFICATE_NOT_FOUND'),
    );
    t.match(missing.msg, /Secret certs\/missing/);
    await eventually(
      () => servedCertificate(port),
      (pem) => pem === null,
    );
    t.ok(sameCertificate(await servedCertificate(port, 'b.example.com'), wild.cert), 'other certificates keep serving');
  },
);
