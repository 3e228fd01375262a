import type { RouteConfig } from '../config.ts';
import { fieldValueBytes, isFieldName, isHost } from '../http/head-bytes.ts';
import { requestFieldsNotRewritable, responseFieldsNotRewritable } from '../proxy/forward-heads.ts';

type Report = (field: string, message: string) => void;

/**
 * Checks every configured name and value a route would write into a head (header rewrites, vhost, redirect,
 * CORS): each problem is reported with its field, and the route must be left out. Checked once at config load, so
 * serving only has to check what comes from requests.
 */
export function checkRouteHeads(config: RouteConfig, report: Report): boolean {
  let ok = true;
  const fail: Report = (field, message) => {
    ok = false;
    report(field, message);
  };
  const req = config.requestHeaders;
  if (req != null) {
    const at = 'requestHeaders';
    for (const [name, value] of entries(req.headers)) {
      checkName(`${at}.headers`, name, requestFieldsNotRewritable, fail);
      checkValue(`${at}.headers${key(name)}`, value, fail);
    }
    for (const name of Object.keys(req.headersVar ?? {}))
      checkName(`${at}.headersVar`, name, requestFieldsNotRewritable, fail);
    (req.headersRemove ?? []).forEach((name, i) =>
      checkName(`${at}.headersRemove[${i}]`, name, requestFieldsNotRewritable, fail, false),
    );
    for (const [name, values] of entries(req.headersAdd)) {
      checkName(`${at}.headersAdd`, name, requestFieldsNotRewritable, fail);
      values.forEach((value, i) => checkValue(`${at}.headersAdd${key(name)}[${i}]`, value, fail));
    }
    for (const name of Object.keys(req.headersAddVar ?? {}))
      checkName(`${at}.headersAddVar`, name, requestFieldsNotRewritable, fail);
  }
  const res = config.responseHeaders;
  if (res != null) {
    const at = 'responseHeaders';
    for (const [name, value] of entries(res.headers)) {
      checkName(`${at}.headers`, name, responseFieldsNotRewritable, fail);
      checkValue(`${at}.headers${key(name)}`, value, fail);
    }
    (res.headersRemove ?? []).forEach((name, i) =>
      checkName(`${at}.headersRemove[${i}]`, name, responseFieldsNotRewritable, fail, false),
    );
    for (const [name, values] of entries(res.headersAdd)) {
      checkName(`${at}.headersAdd`, name, responseFieldsNotRewritable, fail);
      values.forEach((value, i) => checkValue(`${at}.headersAdd${key(name)}[${i}]`, value, fail));
    }
  }
  if (config.vhost != null && config.vhost !== '' && !isHost(config.vhost))
    fail('vhost', `${JSON.stringify(config.vhost)} is not a host[:port]`);
  const redirect = config.redirect;
  if (redirect != null) {
    if (redirect.url != null) checkValue('redirect.url', redirect.url, fail);
    if (redirect.scheme != null && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(redirect.scheme))
      fail('redirect.scheme', `${JSON.stringify(redirect.scheme)} is not a URI scheme`);
    if (redirect.host != null && !isHost(redirect.host))
      fail('redirect.host', `${JSON.stringify(redirect.host)} is not a host`);
    if (redirect.port != null && !(Number.isInteger(redirect.port) && redirect.port >= 1 && redirect.port <= 65535))
      fail('redirect.port', `must be 1-65535, got ${redirect.port}`);
    if (
      redirect.code != null &&
      redirect.code !== 0 &&
      !(Number.isInteger(redirect.code) && redirect.code >= 100 && redirect.code <= 999)
    )
      fail('redirect.code', `must be an HTTP status code, got ${redirect.code}`);
    if (redirect.prefixMatch != null) checkValue('redirect.prefixMatch', redirect.prefixMatch, fail);
    if (redirect.replacePrefix != null) checkValue('redirect.replacePrefix', redirect.replacePrefix, fail);
  }
  const cors = config.cors;
  if (cors != null) {
    if (cors.allowHeaders != null) checkValue('cors.allowHeaders', cors.allowHeaders, fail);
    cors.allowOrigins.forEach((origin, i) => checkValue(`cors.allowOrigins[${i}]`, origin, fail));
  }
  return ok;
}

function checkName(at: string, name: string, notRewritable: ReadonlySet<string>, fail: Report, keyed = true): void {
  const field = keyed ? `${at}${key(name)}` : at;
  if (!isFieldName(name)) fail(field, `${JSON.stringify(name)} is not a valid header name`);
  else if (notRewritable.has(name.toLowerCase()))
    fail(
      field,
      name.toLowerCase() === 'host' ? 'Host is set with vhost' : `${name} frames the message and cannot be rewritten`,
    );
}

function checkValue(field: string, value: string, fail: Report): void {
  if (typeof value !== 'string' || fieldValueBytes(value) === null)
    fail(field, 'the value carries CR, LF, NUL or another control character');
}

function entries<T>(record: Record<string, T> | undefined): Array<[string, T]> {
  return Object.entries(record ?? {});
}

function key(name: string): string {
  return `[${JSON.stringify(name)}]`;
}
