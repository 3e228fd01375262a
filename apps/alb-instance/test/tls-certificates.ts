import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestCertificate = { cert: string; key: string };

/** A throwaway self-signed ECDSA P-256 certificate for `names` (subject alternative names), made by openssl. */
export function makeCertificate(names: string[]): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'alb-cert-'));
  try {
    const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    const san = `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`;
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'].concat([
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-subj',
        `/CN=${names[0]}`,
        '-addext',
        san,
      ]),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A `kubernetes.io/tls` Secret as `kubectl create secret tls` writes it (base64 data). */
export function tlsSecret(namespace: string, name: string, pair: TestCertificate): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return `apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: ${namespace} }
type: kubernetes.io/tls
data:
  tls.crt: ${b64(pair.cert)}
  tls.key: ${b64(pair.key)}
`;
}

/** The leaf certificate (PEM) `openssl s_client` received for `servername` (none: no SNI), or null. */
export function servedCertificate(port: number, servername?: string): Promise<string | null> {
  const sni = servername === undefined ? ['-noservername'] : ['-servername', servername];
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...sni], { timeout: 10_000 });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', () =>
      resolve(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(output)?.[0] ?? null),
    );
    child.stdin.end();
  });
}

/** Whether two PEM certificates are the same certificate (whitespace aside). */
export function sameCertificate(a: string | null, b: string): boolean {
  const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
  return a !== null && body(a) === body(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(b)![0]);
}
