import { createPrivateKey, X509Certificate } from 'node:crypto';

/** What is wrong with a certificate and key, or null when they can be served. */
export type CertificateProblem = { field: 'cert' | 'key'; message: string };

const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;

/**
 * Checks a PEM certificate chain and its private key before they are served: the first certificate parses, the
 * key parses and belongs to it, and it has not expired at `now` (ms since the epoch). Pure (no I/O); never throws.
 */
export function checkCertificate(cert: string, key: string, now: number): CertificateProblem | null {
  const first = pemCertificate.exec(cert);
  if (first === null) return { field: 'cert', message: 'no PEM certificate (-----BEGIN CERTIFICATE-----) found' };
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(first[0]);
  } catch (error) {
    return { field: 'cert', message: `the certificate does not parse: ${(error as Error).message}` };
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    return { field: 'key', message: `the private key does not parse: ${(error as Error).message}` };
  }
  if (!x509.checkPrivateKey(privateKey))
    return { field: 'key', message: 'the private key does not match the certificate' };
  const notAfter = Date.parse(x509.validTo);
  if (Number.isFinite(notAfter) && notAfter < now)
    return { field: 'cert', message: `the certificate expired on ${new Date(notAfter).toISOString()}` };
  return null;
}
