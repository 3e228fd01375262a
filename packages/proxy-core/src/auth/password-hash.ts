import { createHash, timingSafeEqual } from 'node:crypto';
import apacheMd5 from 'apache-md5';
import unixCrypt from 'apache-crypt';
import bcrypt from 'bcryptjs';

// The package is CommonJS (`module.exports = fn`) while its typings declare an ES default export.
const aprMd5 = apacheMd5 as unknown as (password: string, salt: string) => string;

/** The htpasswd hash formats basic auth verifies. */
export type HashFormat = 'bcrypt' | 'apr1' | 'sha1' | 'crypt';

/**
 * The format of an htpasswd hash, or an explanation of why it cannot be used: plain text (`htpasswd -p`) is
 * refused on purpose, and SHA-256/512-crypt (`-2`, `-5`) have no well-kept JavaScript verifier.
 */
export function hashFormat(hash: string): HashFormat | string {
  if (/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) return 'bcrypt';
  if (/^\$apr1\$[^$]{1,8}\$[./A-Za-z0-9]{22}$/.test(hash)) return 'apr1';
  if (/^\{SHA\}[A-Za-z0-9+/]{27}=$/.test(hash)) return 'sha1';
  if (/^[./A-Za-z0-9]{13}$/.test(hash)) return 'crypt';
  if (/^\$[56]\$/.test(hash)) return 'SHA-256/512-crypt hashes are not supported (use bcrypt: htpasswd -B)';
  return 'not a bcrypt, apr1 ($apr1$), SHA1 ({SHA}) or crypt hash (plain-text passwords are refused)';
}

/**
 * Whether `password` matches `hash` (of a known format). bcrypt runs asynchronously (it yields to the event
 * loop between rounds); the others are fast and compared in constant time.
 */
export function verifyPassword(format: HashFormat, hash: string, password: string): boolean | Promise<boolean> {
  switch (format) {
    case 'bcrypt':
      // Apache writes $2y$, the same algorithm as $2b$.
      return bcrypt.compare(password, hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash);
    case 'apr1':
      return sameText(aprMd5(password, hash), hash);
    case 'sha1':
      return sameText(`{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}`, hash);
    case 'crypt':
      // crypt(3) DES reads 8 bytes of the password; the library takes a string.
      return sameText(unixCrypt(password, hash.slice(0, 2)), hash);
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
