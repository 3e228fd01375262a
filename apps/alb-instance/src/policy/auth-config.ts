import type { AuthConfig as CrdAuth } from '@alb/crd-types';
import { checkUsers, parseHtpasswd, type AuthConfig, type HtpasswdUsers } from '@alb/proxy-core';
import type { Diagnostic } from '../diagnostics.ts';
import type { KubeObject } from '../objects/kube-object.ts';
import type { Snapshot } from '../objects/object-store.ts';

/** Secrets and ConfigMaps by `namespace/name`, indexed once per build. */
export class AuthObjects {
  private readonly secrets = new Map<string, KubeObject>();
  private readonly configMaps = new Map<string, KubeObject>();

  constructor(snapshot: Snapshot) {
    for (const s of snapshot.get('Secret') ?? []) this.secrets.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
    for (const c of snapshot.get('ConfigMap') ?? [])
      this.configMaps.set(`${c.metadata.namespace}/${c.metadata.name}`, c);
  }

  secret(ref: string): KubeObject | undefined {
    return this.secrets.get(ref);
  }

  configMap(ref: string): KubeObject | undefined {
    return this.configMaps.get(ref);
  }
}

type Report = (severity: Diagnostic['severity'], field: string, message: string) => void;

/**
 * A Rule's (Frontend's, ALB2's) `config.auth` as the data plane's auth. Basic wins when both are set (ALB). It
 * fails closed: a Secret or ConfigMap that is missing or unusable gives a `deny` auth (the route answers 503)
 * with an error diagnostic; it is never served open, and never left to a broader rule.
 */
export function authFor(auth: CrdAuth, objects: AuthObjects, report: Report): AuthConfig | null {
  const basic = auth.basic;
  if (basic?.secret) {
    const field = 'spec.config.auth.basic.secret';
    const deny = (message: string): AuthConfig => {
      report('error', field, `${message}; the route answers 503 until this is fixed (auth fails closed)`);
      return { kind: 'deny', reason: 'basic auth is not configured correctly' };
    };
    const secret = objects.secret(basic.secret);
    if (secret === undefined) return deny(`Secret ${basic.secret} not found`);
    const type = basic.secret_type || 'auth-file';
    const read = type === 'auth-map' ? authMapUsers(secret) : authFileUsers(secret);
    if (typeof read === 'string') return deny(`Secret ${basic.secret}: ${read}`);
    for (const problem of read.problems) report('warning', field, `Secret ${basic.secret}: ${problem}; user left out`);
    if (Object.keys(read.users).length === 0) return deny(`Secret ${basic.secret} has no usable user`);
    return { kind: 'basic', realm: basic.realm ?? '', users: read.users };
  }
  const forward = auth.forward;
  if (forward?.url) {
    let requestHeaders: Record<string, string> | null = null;
    if (forward.auth_headers_cm_ref) {
      const cm = objects.configMap(forward.auth_headers_cm_ref);
      const data = cm?.data;
      if (cm === undefined || !isStringMap(data ?? {})) {
        report(
          'error',
          'spec.config.auth.forward.auth_headers_cm_ref',
          `ConfigMap ${forward.auth_headers_cm_ref} ${cm === undefined ? 'not found' : 'has non-string data'}; the route answers 503 until this is fixed (auth fails closed)`,
        );
        return { kind: 'deny', reason: 'forward auth headers ConfigMap is missing' };
      }
      requestHeaders = { ...(data as Record<string, string> | undefined) };
    }
    return {
      kind: 'forward',
      url: forward.url,
      method: forward.method || 'GET',
      requestHeaders,
      requestRedirect: forward.auth_request_redirect || null,
      responseHeaders: forward.upstream_headers ?? [],
      signin: forward.signin || null,
      signinRedirectParam: forward.signin_redirect_param || null,
      alwaysSetCookie: forward.always_set_cookie === true,
    };
  }
  return null;
}

/** `auth-file`: key `auth` holds an htpasswd file. */
function authFileUsers(secret: KubeObject): HtpasswdUsers | string {
  const text = secretValue(secret, 'auth');
  if (text === undefined) return 'has no key "auth" (an htpasswd file)';
  return parseHtpasswd(text);
}

/** `auth-map`: one key per user, the value its hash. */
function authMapUsers(secret: KubeObject): HtpasswdUsers | string {
  const keys = secretKeys(secret);
  if (keys.length === 0) return 'has no data (auth-map: one key per user)';
  return checkUsers(
    keys.map((k) => [k, secretValue(secret, k) ?? '']),
    (i) => `key ${JSON.stringify(keys[i])}`,
  );
}

function secretKeys(secret: KubeObject): string[] {
  const keys = new Set([...Object.keys(stringMap(secret.data)), ...Object.keys(stringMap(secret.stringData))]);
  return [...keys].sort();
}

/** A Secret's value: `stringData` as written, `data` base64 as the API server and kubectl keep it. */
function secretValue(secret: KubeObject, key: string): string | undefined {
  const plain = stringMap(secret.stringData)[key];
  if (plain !== undefined) return plain;
  const encoded = stringMap(secret.data)[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

function stringMap(value: unknown): Record<string, string> {
  return isStringMap(value) ? (value as Record<string, string>) : {};
}

function isStringMap(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}
