import type { SecureContextOptions } from 'node:tls';

/**
 * The TLS settings every https listener uses: TLS 1.2 and 1.3 only; for TLS 1.2, forward-secret AEAD suites only
 * (ECDHE with AES-GCM or ChaCha20-Poly1305, the "intermediate" profile); TLS 1.3 uses OpenSSL's defaults, which
 * are all AEAD. The server's order wins, so a client offering a weak suite first still gets a strong one.
 */
export const tlsVersionsAndCiphers: SecureContextOptions = {
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  ciphers: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  honorCipherOrder: true,
  ecdhCurve: 'X25519:prime256v1:secp384r1',
};
