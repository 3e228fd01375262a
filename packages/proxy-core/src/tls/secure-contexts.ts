import { createHash } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { CertificateConfig } from '../config.ts';
import { tlsVersionsAndCiphers } from './tls-settings.ts';

/** A certificate ready for handshakes: its context (built once per revision) and the PEM it was built from. */
export type ServedCertificate = {
  readonly name: string;
  /** sha256 of cert and key: a new revision is a new context, the same one reuses the context. */
  readonly revision: string;
  readonly context: SecureContext;
  readonly cert: string;
  readonly key: string;
};

/**
 * The engine's certificates by name. Building a SecureContext costs milliseconds (OpenSSL 3 parses and checks the
 * key), so each revision of a certificate is built once and reused by every apply and every handshake until its
 * content changes. A revision that cannot be built leaves the last good one of that name serving.
 */
export class SecureContextStore {
  private served = new Map<string, ServedCertificate>();

  /** Builds what changed; returns the certificates now served and the names that failed (with why). */
  update(certificates: readonly CertificateConfig[]): {
    served: ReadonlyMap<string, ServedCertificate>;
    failed: Array<{ name: string; message: string }>;
  } {
    const next = new Map<string, ServedCertificate>();
    const failed: Array<{ name: string; message: string }> = [];
    for (const c of certificates) {
      const revision = createHash('sha256').update(c.cert).update('\0').update(c.key).digest('hex');
      const previous = this.served.get(c.name);
      if (previous !== undefined && previous.revision === revision) {
        next.set(c.name, previous);
        continue;
      }
      try {
        const context = createSecureContext({ ...tlsVersionsAndCiphers, cert: c.cert, key: c.key });
        next.set(c.name, { name: c.name, revision, context, cert: c.cert, key: c.key });
      } catch (error) {
        failed.push({ name: c.name, message: (error as Error).message });
        if (previous !== undefined) next.set(c.name, previous);
      }
    }
    this.served = next;
    return { served: next, failed };
  }
}
