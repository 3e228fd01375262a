import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Test } from 'tap';

let cached: { key: string; cert: string } | null = null;

/** A throwaway self-signed certificate for localhost (made with the openssl command line). */
export function testCertificate(): { key: string; cert: string } {
  if (cached !== null) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'alb-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    cached = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TLS client connected to a TLS server on loopback with the test certificate, both sides ready; closed by `t`. */
export async function connectedTlsPair(t: Test): Promise<{ client: TLSSocket; accepted: TLSSocket }> {
  const server = createTlsServer(testCertificate());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = tlsConnect({
    port: (server.address() as AddressInfo).port,
    host: '127.0.0.1',
    rejectUnauthorized: false,
  });
  const [[accepted]] = (await Promise.all([once(server, 'secureConnection'), once(client, 'secureConnect')])) as [
    [TLSSocket],
    unknown,
  ];
  t.teardown(() => {
    client.destroy();
    accepted.destroy();
    server.close();
  });
  return { client, accepted };
}
