import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from './cluster.ts';

export type Certificate = { cert: string; key: string };

/** A throwaway self-signed ECDSA P-256 certificate for `host` (CN and subject alternative name), made by openssl. */
export function selfSigned(host: string): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'alb-e2e-cert-'));
  try {
    const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
    args.push('-keyout', keyFile, '-out', certFile, '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`);
    execFileSync('openssl', args, { stdio: 'ignore' });
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A `kubernetes.io/tls` Secret holding `pair`, as `kubectl create secret tls` makes it. */
export function tlsSecret(namespace: string, name: string, pair: Certificate): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') },
  };
}

/** curl over https to `host:port` resolved to `address`, trusting `caFile`: status and body (status 0: no answer). */
export function curlHttps(
  address: string,
  port: number,
  host: string,
  caFile: string,
  path: string,
): Promise<{ status: number; body: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = ['-sS', '--max-time', '5', '--cacert', caFile, '--resolve', `${host}:${port}:${address}`];
    const child = spawn('curl', [...args, '-w', '\n%{http_code}', `https://${host}:${port}${path}`]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const cut = out.lastIndexOf('\n');
      resolve({ status: Number(out.slice(cut + 1)) || 0, body: out.slice(0, cut), stderr: err });
    });
  });
}
