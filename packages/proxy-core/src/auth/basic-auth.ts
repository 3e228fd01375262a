import type { RequestContext } from '../actions/request-context.ts';
import type { BasicAuthConfig } from '../config.ts';
import { fieldValueBytes } from '../http/head-bytes.ts';
import { hashFormat, verifyPassword, type HashFormat } from './password-hash.ts';
import { allowed, denied, type AuthVerdict, type RouteAuth } from './route-auth.ts';
import { verifiedCache } from './verified-cache.ts';

type User = { hash: string; format: HashFormat };

/** Longest `Authorization` value looked at: credentials never need more, and base64 decoding stays bounded. */
const MAX_CREDENTIALS = 4096;

/**
 * Compiles HTTP basic auth (RFC 7617). A missing, malformed or wrong credential gets 401 with
 * `WWW-Authenticate: Basic realm="..."`. Users whose hash is unusable are reported and left out (they cannot log
 * in); a realm that cannot be written is refused.
 */
export function compileBasicAuth(
  config: BasicAuthConfig,
  report: (field: string, message: string) => void,
): RouteAuth | null {
  const realm = config.realm ?? '';
  if (fieldValueBytes(realm) === null || /["\\]/.test(realm)) {
    report('auth.realm', 'must not contain control characters, quotes or backslashes');
    return null;
  }
  const users = new Map<string, User>();
  for (const [name, hash] of Object.entries(config.users)) {
    const format = hashFormat(hash);
    if (format === 'bcrypt' || format === 'apr1' || format === 'sha1' || format === 'crypt')
      users.set(name, { hash, format });
    else report(`auth.users[${JSON.stringify(name)}]`, format);
  }
  const challenge = denied(401, 'AuthFail : basic auth required', ['WWW-Authenticate', `Basic realm="${realm}"`]);
  const refused = denied(401, 'AuthFail : invalid credentials', ['WWW-Authenticate', `Basic realm="${realm}"`]);
  return {
    strippedRequestFields: [],
    authorize(ctx: RequestContext): AuthVerdict | Promise<AuthVerdict> {
      const credential = basicCredential(ctx.head.headers.authorization);
      if (credential === null) return challenge;
      const user = users.get(credential.user);
      if (user === undefined) return refused;
      const key = verifiedCache.keyFor(user.hash, credential.user, credential.password);
      if (verifiedCache.has(key)) return allowed;
      const result = verifyPassword(user.format, user.hash, credential.password);
      const decide = (ok: boolean): AuthVerdict => {
        if (!ok) return refused;
        verifiedCache.add(key);
        return allowed;
      };
      return typeof result === 'boolean' ? decide(result) : result.then(decide, () => refused);
    },
  };
}

/** `Basic <base64(user:password)>` -> its parts, or null when absent or malformed. */
export function basicCredential(value: string | string[] | undefined): { user: string; password: string } | null {
  if (typeof value !== 'string' || value.length > MAX_CREDENTIALS) return null;
  const space = value.indexOf(' ');
  if (space === -1 || value.slice(0, space).toLowerCase() !== 'basic') return null;
  const encoded = value.slice(space + 1).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
