import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestCertificate = { cert: string; key: string };

/**
 * A throwaway self-signed certificate made by the openssl command line: `names` go into the subject alternative
 * names (the first is also the CN), ECDSA P-256 by default. The PEM doubles as the CA a client trusts.
 */
export function makeCertificate(names: string[], keyType: 'ec' | 'rsa' = 'ec'): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'alb-cert-'));
  try {
    const keyArgs =
      keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...keyArgs,
        '-nodes',
        '-days',
        '2',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        `/CN=${names[0]}`,
        '-addext',
        `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What `openssl s_client` got from a TLS port: the peer certificate's CN (null when the handshake failed). */
export type SClientResult = { cn: string | null; version: string | null; alpn: string | null; output: string };

/**
 * Runs `openssl s_client` against a loopback port (asynchronously: the server under test runs in this process),
 * with `servername` as SNI (none when absent) and `extra` arguments (`-alpn h2`, `-tls1_1`, `-sess_out f`...).
 */
export function sClient(port: number, options: { servername?: string; extra?: string[] } = {}): Promise<SClientResult> {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, ...(options.extra ?? [])];
  args.push(...(options.servername === undefined ? ['-noservername'] : ['-servername', options.servername]));
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: 10_000 });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const cn = /^subject=.*CN\s*=\s*([^,\n]+)/m.exec(output)?.[1]?.trim() ?? null;
      const version = /^\s*Protocol\s*:\s*(\S+)/m.exec(output)?.[1] ?? /New, (TLSv[\d.]+),/.exec(output)?.[1] ?? null;
      const alpn = /ALPN protocol: (\S+)/.exec(output)?.[1] ?? null;
      resolve({ cn, version, alpn, output });
    });
    child.stdin.end();
  });
}
