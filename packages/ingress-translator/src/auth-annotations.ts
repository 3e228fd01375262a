// Auth annotations -> Rule `spec.config.auth` (Alauda ALB: pkg/controller/ext/auth). Auth fails closed: an auth setting
// that cannot be honoured keeps the path from being served at all, rather than serving it unprotected.
import type { AuthConfig, BasicAuthConfig, ForwardAuthConfig } from '@alb/crd-types';
import type { AnnotationContext } from './annotation-context.ts';
import { readSetting, readText } from './annotation-context.ts';
import { parseBool, parseObjectRef } from './annotation-values.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';

export type AuthResult = { ok: true; auth: AuthConfig | undefined } | { ok: false };

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function authFromAnnotations(ctx: AnnotationContext): AuthResult {
  // A bad auth-enable leaves auth on: the safe reading.
  if (readSetting(ctx, 'auth-enable', parseBool) === false) return { ok: true, auth: undefined };
  const fail = (name: string, message: string): AuthResult => {
    const key = ctx.ann.get(name, ctx.r, ctx.p)?.key ?? `nginx.ingress.kubernetes.io/${name}`;
    ctx.report(
      'error',
      diagnosticCodes.badAuth,
      annotationField(key),
      `${message}; the path is not served until this is fixed (auth fails closed)`,
    );
    return { ok: false };
  };

  let forward: ForwardAuthConfig | undefined;
  const url = readText(ctx, 'auth-url');
  if (url !== undefined) {
    if (!/^https?:\/\/\S+$/i.test(url))
      return fail('auth-url', `must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
    forward = { url };
    const method = readText(ctx, 'auth-method') ?? 'GET';
    if (!token.test(method)) return fail('auth-method', `must be an HTTP method, got ${JSON.stringify(method)}`);
    forward.method = method.toUpperCase();
    const headersRef = readText(ctx, 'auth-proxy-set-headers');
    if (headersRef !== undefined) {
      const ref = parseObjectRef(headersRef, ctx.namespace);
      if (!ref.ok) return fail('auth-proxy-set-headers', `names a ConfigMap and ${ref.message}`);
      forward.auth_headers_cm_ref = ref.value;
    }
    const requestRedirect = readText(ctx, 'auth-request-redirect');
    if (requestRedirect !== undefined) forward.auth_request_redirect = requestRedirect;
    const responseHeaders = readText(ctx, 'auth-response-headers');
    if (responseHeaders !== undefined) {
      const names = responseHeaders
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== '');
      const wrong = names.find((h) => !token.test(h));
      if (wrong !== undefined)
        return fail('auth-response-headers', `must be a comma list of header names, got ${JSON.stringify(wrong)}`);
      forward.upstream_headers = names;
    }
    const signin = readText(ctx, 'auth-signin');
    if (signin !== undefined) forward.signin = signin;
    const cookie = readSetting(ctx, 'auth-always-set-cookie', parseBool);
    if (cookie !== undefined) forward.always_set_cookie = cookie;
    const param = readText(ctx, 'auth-signin-redirect-param');
    if (param !== undefined) forward.signin_redirect_param = param;
  }

  let basic: BasicAuthConfig | undefined;
  const type = readText(ctx, 'auth-type');
  if (type !== undefined) {
    if (type.toLowerCase() !== 'basic')
      return fail('auth-type', `only "basic" is supported (not digest), got ${JSON.stringify(type)}`);
    const secretText = readText(ctx, 'auth-secret');
    if (secretText === undefined) return fail('auth-type', 'basic auth needs auth-secret (the Secret with the users)');
    const secret = parseObjectRef(secretText, ctx.namespace);
    if (!secret.ok) return fail('auth-secret', `names a Secret and ${secret.message}`);
    const secretType = readText(ctx, 'auth-secret-type') ?? 'auth-file';
    if (secretType !== 'auth-file' && secretType !== 'auth-map')
      return fail('auth-secret-type', `must be auth-file or auth-map, got ${JSON.stringify(secretType)}`);
    basic = { auth_type: 'basic', secret: secret.value, secret_type: secretType };
    const realm = readText(ctx, 'auth-realm');
    if (realm !== undefined) basic.realm = realm;
  }

  if (basic !== undefined && forward !== undefined) {
    ctx.report(
      'warning',
      diagnosticCodes.annotationConflict,
      annotationField(ctx.ann.get('auth-url', ctx.r, ctx.p)!.key),
      'both auth-url (forward auth) and auth-type (basic auth) are set; basic auth wins, as in ALB',
    );
    return { ok: true, auth: { basic } };
  }
  if (basic !== undefined) return { ok: true, auth: { basic } };
  if (forward !== undefined) return { ok: true, auth: { forward } };
  return { ok: true, auth: undefined };
}
