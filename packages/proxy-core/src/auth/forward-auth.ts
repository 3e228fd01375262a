import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HeaderList } from '../actions/header-rewrite.ts';
import type { RequestContext } from '../actions/request-context.ts';
import type { ForwardAuthConfig } from '../config.ts';
import { fieldValueBytes, isFieldName } from '../http/head-bytes.ts';
import { requestFieldsNotRewritable } from '../proxy/forward-heads.ts';
import { allowed, denied, type AuthVerdict, type RouteAuth } from './route-auth.ts';
import { compileVarString, expandVarString, type VarString } from './var-string.ts';

/** ALB's subrequest timeout (5 s), for the connection and for each wait for bytes of the answer. */
const defaultTimeoutMs = 5_000;

/**
 * Connections to auth services: their own pool, apart from the upstreams', kept alive and bounded per service.
 * Auth services are usually reached over a cluster network (no certificate verification, as ALB and nginx's
 * proxy_ssl_verify off).
 */
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32, scheduling: 'lifo' });
const httpsAgent = new HttpsAgent({
  keepAlive: true,
  maxSockets: 256,
  maxFreeSockets: 32,
  scheduling: 'lifo',
  rejectUnauthorized: false,
});

/** Request fields never passed to the auth service: hop-by-hop, framing (no body is sent), and the ones set here. */
const notToAuthService = new Set([
  ...requestFieldsNotRewritable,
  'x-original-uri',
  'x-scheme',
  'x-original-url',
  'x-original-method',
  'x-sent-from',
  'x-real-ip',
  'x-forwarded-for',
  'x-auth-request-redirect',
]);

const failed = (status: number, why: string) => denied(status, `AuthFail : ${why}`);

/**
 * Compiles forward auth (ingress-nginx `auth-url`, as ALB serves it). The subrequest carries the client's
 * headers (no body), `X-Original-URL`, `X-Original-URI`, `X-Original-Method`, `X-Scheme`, `X-Real-IP`,
 * `X-Forwarded-For`, `X-Auth-Request-Redirect`, `X-Sent-From: alb` and the configured headers. 2xx passes, with
 * the configured response headers copied upstream; 401 is answered (or redirected to `signin`); 403 is answered;
 * any other status is 500, and an unreachable or slow auth service 503. Never open.
 */
export function compileForwardAuth(
  config: ForwardAuthConfig,
  report: (field: string, message: string) => void,
): RouteAuth | null {
  let ok = true;
  const vars = (field: string, text: string): VarString =>
    compileVarString(text, (name) => {
      ok = false;
      report(field, `unknown variable $${name}`);
    });
  if (!/^https?:\/\/[^\s/?#]+/i.test(config.url)) {
    report('auth.url', 'must be an http:// or https:// URL');
    ok = false;
  }
  const url = vars('auth.url', config.url);
  const method = (config.method ?? 'GET').toUpperCase();
  if (!isFieldName(method)) {
    report('auth.method', `not an HTTP method: ${JSON.stringify(method)}`);
    ok = false;
  }
  const extra: Array<[string, VarString]> = [];
  for (const [name, value] of Object.entries(config.requestHeaders ?? {})) {
    if (!isFieldName(name) || requestFieldsNotRewritable.has(name.toLowerCase())) {
      report('auth.requestHeaders', `cannot set header ${JSON.stringify(name)}`);
      ok = false;
    } else if (fieldValueBytes(value) === null) {
      report(`auth.requestHeaders[${JSON.stringify(name)}]`, 'must not contain control characters');
      ok = false;
    } else extra.push([name, vars(`auth.requestHeaders[${JSON.stringify(name)}]`, value)]);
  }
  const requestRedirect = config.requestRedirect ? vars('auth.requestRedirect', config.requestRedirect) : null;
  const responseHeaders = config.responseHeaders ?? [];
  for (const name of responseHeaders) {
    if (!isFieldName(name) || requestFieldsNotRewritable.has(name.toLowerCase())) {
      report('auth.responseHeaders', `cannot copy header ${JSON.stringify(name)} upstream`);
      ok = false;
    }
  }
  const signin = config.signin ? vars('auth.signin', config.signin) : null;
  const param = config.signinRedirectParam || 'rd';
  if (!/^[A-Za-z0-9_.~-]+$/.test(param)) {
    report('auth.signinRedirectParam', 'must be a plain query parameter name');
    ok = false;
  }
  if (!ok) return null;
  const connectTimeoutMs = config.connectTimeoutMs ?? defaultTimeoutMs;
  const readTimeoutMs = config.readTimeoutMs ?? defaultTimeoutMs;
  const copied = responseHeaders.map((h) => h.toLowerCase());
  const alwaysSetCookie = config.alwaysSetCookie === true;

  return {
    strippedRequestFields: copied,
    authorize(ctx: RequestContext): Promise<AuthVerdict> | AuthVerdict {
      const target = expandVarString(url, ctx);
      if (target === undefined) return failed(500, 'auth url names a variable this request lacks');
      let parsed: URL;
      try {
        parsed = new URL(target);
      } catch {
        return failed(500, 'auth url is not a valid URL for this request');
      }
      const headers = authRequestHeaders(ctx, extra, requestRedirect);
      if (headers === null) return failed(500, 'auth request header would carry control characters');
      return new Promise<AuthVerdict>((resolve) => {
        const https = parsed.protocol === 'https:';
        let req: ReturnType<typeof httpRequest>;
        try {
          req = (https ? httpsRequest : httpRequest)(parsed, {
            method,
            headers,
            agent: https ? httpsAgent : httpAgent,
            timeout: readTimeoutMs,
          });
        } catch {
          // Node refuses a target or header it cannot write (control characters from a variable).
          resolve(failed(500, 'auth request could not be built'));
          return;
        }
        let settled = false;
        const connectTimer = setTimeout(() => {
          req.destroy();
          settle(failed(503, 'auth service did not accept the connection in time'));
        }, connectTimeoutMs);
        const settle = (verdict: AuthVerdict) => {
          if (settled) return;
          settled = true;
          clearTimeout(connectTimer);
          resolve(verdict);
        };
        req.on('socket', (socket) => {
          if (!socket.connecting) clearTimeout(connectTimer);
          else socket.once('connect', () => clearTimeout(connectTimer));
        });
        req.on('timeout', () => {
          req.destroy();
          settle(failed(503, 'auth service timed out'));
        });
        req.on('error', () => settle(failed(503, 'auth service unreachable')));
        req.on('response', (res) => {
          // The body is not used: drained so the connection goes back to the pool.
          res.resume();
          res.on('error', () => undefined);
          settle(decide(res, ctx));
        });
        req.end();
      });
    },
  };

  function decide(res: IncomingMessage, ctx: RequestContext): AuthVerdict {
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      if (copied.length === 0) return allowed;
      const list: HeaderList = [];
      for (let i = 0; i < copied.length; i++) {
        const value = res.headers[copied[i]!];
        if (value === undefined) continue;
        const text = Array.isArray(value) ? value.join(', ') : value;
        list.push(responseHeaders[i]!, text);
      }
      return { allow: true, upstreamHeaders: list.length === 0 ? null : list };
    }
    const fields: HeaderList = [];
    if (alwaysSetCookie) for (const cookie of res.headers['set-cookie'] ?? []) fields.push('Set-Cookie', cookie);
    if (status === 401) {
      if (signin !== null) {
        const location = signinLocation(signin, param, ctx);
        if (location === undefined) return failed(500, 'signin url names a variable this request lacks');
        fields.push('Location', location);
        return denied(302, null, fields);
      }
      const challenge = res.headers['www-authenticate'];
      if (challenge !== undefined) fields.push('WWW-Authenticate', challenge);
      return denied(401, 'AuthFail : auth service answered 401', fields.length === 0 ? null : fields);
    }
    if (status === 403) return denied(403, 'AuthFail : auth service answered 403', fields.length === 0 ? null : fields);
    return failed(500, `auth service answered ${status}`);
  }
}

/** The signin URL with the original URL as its redirect parameter (unless the URL already sets it). */
function signinLocation(signin: VarString, param: string, ctx: RequestContext): string | undefined {
  const base = expandVarString(signin, ctx);
  if (base === undefined) return undefined;
  if (new RegExp(`[?&]${param.replace(/[.~-]/g, '\\$&')}=`).test(base)) return base;
  const original = `${ctx.scheme}://${ctx.head.host ?? ''}${ctx.head.target}`;
  return `${base}${base.includes('?') ? '&' : '?'}${param}=${encodeURIComponent(original)}`;
}

/** The subrequest's fields, or null when one would carry a control character (from a variable). */
function authRequestHeaders(
  ctx: RequestContext,
  extra: ReadonlyArray<[string, VarString]>,
  requestRedirect: VarString | null,
): OutgoingHttpHeaders | null {
  const out: OutgoingHttpHeaders = {};
  const client = ctx.head.headers;
  const tokens = ctx.head.connectionTokens;
  for (const name in client) {
    if (notToAuthService.has(name) || (tokens !== null && tokens.includes(name))) continue;
    out[name] = client[name];
  }
  const head = ctx.head;
  const host = head.host ?? '';
  out['x-original-uri'] = head.target;
  out['x-scheme'] = ctx.scheme;
  out['x-original-url'] = `${ctx.scheme}://${host}${head.target}`;
  out['x-original-method'] = head.method;
  out['x-sent-from'] = 'alb';
  out['x-real-ip'] = ctx.clientIp;
  out['x-forwarded-for'] = ctx.clientIp;
  out['x-auth-request-redirect'] = head.target;
  if (requestRedirect !== null) {
    const value = expandVarString(requestRedirect, ctx);
    if (value === undefined) return null;
    if (value !== '') out['x-auth-request-redirect'] = value;
  }
  for (const [name, vs] of extra) {
    const value = expandVarString(vs, ctx);
    if (value === undefined) continue;
    out[name.toLowerCase()] = value;
  }
  for (const name in out) {
    const v = out[name];
    const values = Array.isArray(v) ? v : [String(v)];
    for (const value of values) if (fieldValueBytes(value) === null) return null;
  }
  return out;
}
