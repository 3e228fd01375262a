import { corsHeaders, type Cors } from '../actions/cors.ts';
import { applyHeaderRewrite, type HeaderList, type HeaderRewrite } from '../actions/header-rewrite.ts';
import { encodePath, rawQuery } from '../actions/path-encoding.ts';
import type { RequestContext } from '../actions/request-context.ts';
import { headBuilder, type HeadBuilder } from '../http/head-builder.ts';
import { fieldLine } from '../http/head-bytes.ts';
import { fieldName, fieldValue } from '../http/header-fields.ts';
import type { ResponseHead } from '../http/response-head.ts';
import type { Rewrite } from '../actions/rewrite.ts';

/**
 * The heads a proxied exchange writes: the request head for the upstream (hop-by-hop fields removed, Host,
 * X-Forwarded-*, the route's rewrites) and the response head for the client (hop-by-hop fields removed, the
 * route's rewrites, CORS, the affinity cookie, framing and connection fields). Pure functions over the parsed head
 * and the compiled route.
 *
 * What may reach a head, and how it is checked: bytes the strict parser accepted (field lines, the target, Host,
 * the client's X-Forwarded-* when trusted, the peer address) are already free of CR, LF and NUL, and are written
 * as they are, joined only with the proxy's own separators; everything else (header rewrites and their variables,
 * a rewritten path, CORS values, the affinity cookie) goes through `fieldLine` (a rewritten path is re-encoded), and
 * configured values were checked at config load as well.
 */

/** What a route contributes to the heads (a compiled `Route` has all of it). */
export type HeadRoute = {
  readonly rewrite: Rewrite | null;
  readonly vhost: string | null;
  readonly requestHeaders: HeaderRewrite | null;
  readonly responseHeaders: HeaderRewrite | null;
  readonly cors: Cors | null;
};

/** Where values the proxy refused to write are counted (a listener's stats). */
export type UnsafeValueCounter = { unsafeHeaderValues: number };

/** Hop-by-hop fields (RFC 9110 7.6.1, plus the legacy Keep-Alive and Proxy-Connection). */
const hopByHop = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/** Hop-by-hop fields, and the ones the proxy sets itself: never copied from the client to the upstream. */
const requestFieldsNotForwarded = new Set([
  ...hopByHop,
  'host',
  'expect',
  'x-real-ip',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
]);

/** Hop-by-hop fields of a response: never copied from the upstream to the client. */
const responseFieldsNotForwarded = new Set(hopByHop);

/**
 * Fields a `Connection` header cannot remove: the message's framing and its Host. A peer naming Content-Length in
 * `Connection` while sending a body would otherwise have the body read as a second request by the next hop.
 */
const notRemovableByConnection = new Set(['content-length', 'transfer-encoding', 'host']);

/** Fields a configured request rewrite may not touch: framing, hop-by-hop, Host (that is `vhost`), Expect. */
export const requestFieldsNotRewritable: ReadonlySet<string> = new Set([
  ...hopByHop,
  'content-length',
  'host',
  'expect',
]);

/** Fields a configured response rewrite may not touch: framing and hop-by-hop. */
export const responseFieldsNotRewritable: ReadonlySet<string> = new Set([...hopByHop, 'content-length']);

/** Whether a client's request field goes upstream; `tokens` are the request's Connection tokens. */
export function forwardsRequestField(name: string, tokens: readonly string[] | null): boolean {
  if (requestFieldsNotForwarded.has(name)) return false;
  return tokens === null || !tokens.includes(name) || notRemovableByConnection.has(name);
}

/** Whether an upstream's response field goes to the client; `tokens` are the response's Connection tokens. */
export function forwardsResponseField(name: string, tokens: readonly string[] | null): boolean {
  if (responseFieldsNotForwarded.has(name)) return false;
  return tokens === null || !tokens.includes(name) || notRemovableByConnection.has(name);
}

/** The request-target for the upstream: origin-form (absolute-form targets lose their scheme and authority). */
export function originFormTarget(target: string): string {
  if (target.charCodeAt(0) === 47 || target === '*') return target;
  const schemeEnd = target.indexOf('://');
  let i = schemeEnd + 3;
  while (i < target.length && target[i] !== '/' && target[i] !== '?' && target[i] !== '#') i++;
  const rest = target.slice(i);
  const hash = rest.indexOf('#');
  const clean = hash === -1 ? rest : rest.slice(0, hash);
  return clean === '' ? '/' : clean.startsWith('?') ? `/${clean}` : clean;
}

/**
 * The request head for the upstream. With `peerTrusted`, the client's X-Forwarded-* are kept and the chain
 * extended; otherwise they are replaced. With `chunked`, the body is re-framed as chunked. A rewritten header whose
 * value cannot be written is left out and counted.
 */
export function buildUpstreamHead(
  ctx: RequestContext,
  route: HeadRoute,
  peerIp: string,
  peerTrusted: boolean,
  chunked: boolean,
  stats: UnsafeValueCounter,
): Buffer {
  const head = ctx.head;
  let target = originFormTarget(head.target);
  if (route.rewrite !== null) {
    const query = rawQuery(head.target);
    // Re-encoded: whatever the rewrite produced, the path is visible ASCII (`encodePath` escapes the rest).
    target = encodePath(route.rewrite.apply(ctx.view.path())) + (query === '' ? '' : `?${query}`);
  }
  const b = headBuilder;
  const source = head.source;
  const fields = head.fields;
  const names = fields.names;
  const offsets = fields.offsets;
  // The target and the client's Host were accepted by the parser; a vhost was checked at config load. An HTTP/1.1
  // request line with an unchanged origin-form target is already what goes upstream: its bytes are copied.
  if (target === head.target && head.versionMinor === 1 && names.length > 0) b.bytes(source, 0, offsets[0]!);
  else b.text(`${head.method} ${target} HTTP/1.1\r\n`);
  b.text(`Host: ${route.vhost ?? head.host ?? ''}\r\n`);
  const tokens = head.connectionTokens;
  const headers = head.headers;
  const forwardedFor = peerTrusted ? joined(headers['x-forwarded-for'], ', ') : undefined;
  const proto = (peerTrusted && joined(headers['x-forwarded-proto'], ',')) || ctx.scheme;
  const host = (peerTrusted && joined(headers['x-forwarded-host'], ',')) || (head.host ?? '');
  const port = (peerTrusted && joined(headers['x-forwarded-port'], ',')) || ctx.port;
  const chain = forwardedFor !== undefined ? `${forwardedFor}, ${peerIp}` : peerIp;
  const rewrite = route.requestHeaders;
  // What follows the copied fields is one string: the head is assembled from as few pieces as possible.
  let tail: string;
  if (rewrite === null) {
    for (let f = 0; f < names.length; f++) {
      if (forwardsRequestField(names[f]!, tokens)) b.bytes(source, offsets[f * 4]!, offsets[f * 4 + 3]! + 2);
    }
    tail = forwardingLines(ctx.clientIp, chain, proto, host, port);
  } else {
    // The rewrite sees the client's fields and the proxy's own, as nginx's proxy_set_header can replace both.
    const list: HeaderList = [];
    for (let f = 0; f < names.length; f++) {
      if (forwardsRequestField(names[f]!, tokens))
        list.push(fieldName(source, fields, f), fieldValue(source, fields, f));
    }
    list.push('X-Real-IP', ctx.clientIp, 'X-Forwarded-For', chain, 'X-Forwarded-Proto', proto);
    list.push('X-Forwarded-Host', host, 'X-Forwarded-Port', String(port));
    applyHeaderRewrite(rewrite, list, ctx);
    tail = fieldLines(list, stats);
  }
  if (chunked) tail += 'Transfer-Encoding: chunked\r\n';
  if (head.upgrade !== null) tail += `Connection: upgrade\r\nUpgrade: ${head.upgrade}\r\n`;
  return b.text(tail).text('\r\n').build();
}

/** The last X-Real-IP / X-Forwarded-* lines built: consecutive requests of one client repeat them. */
const lastForwarding = { clientIp: '', chain: '', proto: '', host: '', port: '' as string | number, lines: '' };

/**
 * The X-Real-IP and X-Forwarded-* lines: parser-accepted values and the peer address, joined with our own
 * separators (see the module comment). Reused while the parts repeat, so a keep-alive client's requests do not
 * build (and flatten) the same string again.
 */
function forwardingLines(clientIp: string, chain: string, proto: string, host: string, port: string | number): string {
  const last = lastForwarding;
  if (
    last.clientIp === clientIp &&
    last.chain === chain &&
    last.proto === proto &&
    last.host === host &&
    last.port === port
  )
    return last.lines;
  last.clientIp = clientIp;
  last.chain = chain;
  last.proto = proto;
  last.host = host;
  last.port = port;
  last.lines = `X-Real-IP: ${clientIp}\r\nX-Forwarded-For: ${chain}\r\nX-Forwarded-Proto: ${proto}\r\nX-Forwarded-Host: ${host}\r\nX-Forwarded-Port: ${port}\r\n`;
  return last.lines;
}

/**
 * Puts the client's response head into the shared head builder and returns it: the caller builds it, possibly
 * with the first body bytes, in one write. `close` adds `Connection: close`; `chunked` re-frames the body;
 * `affinityCookie` is `name=value` for a new session-affinity cookie.
 */
export function buildClientHead(
  response: ResponseHead,
  ctx: RequestContext,
  route: HeadRoute,
  close: boolean,
  chunked: boolean,
  affinityCookie: string | null,
  stats: UnsafeValueCounter,
): HeadBuilder {
  const source = response.source;
  const fields = response.fields;
  const names = fields.names;
  const offsets = fields.offsets;
  const tokens = response.connectionTokens;
  const b = headBuilder;
  // An HTTP/1.1 status line with a reason phrase is already what the client gets: copied with the fields after it.
  if (response.versionMinor === 1 && response.reasonStart === statusLineReasonStart)
    b.bytes(source, 0, response.reasonEnd + 2);
  else b.text(`HTTP/1.1 ${response.status} `).bytes(source, response.reasonStart, response.reasonEnd).text('\r\n');
  const rewrite = route.responseHeaders;
  // What follows the copied fields is one string: the head is assembled from as few pieces as possible.
  let tail = '';
  if (rewrite === null) {
    for (let f = 0; f < names.length; f++) {
      if (forwardsResponseField(names[f]!, tokens)) b.bytes(source, offsets[f * 4]!, offsets[f * 4 + 3]! + 2);
    }
  } else {
    const list: HeaderList = [];
    for (let f = 0; f < names.length; f++) {
      if (forwardsResponseField(names[f]!, tokens))
        list.push(fieldName(source, fields, f), fieldValue(source, fields, f));
    }
    applyHeaderRewrite(rewrite, list, ctx);
    tail = fieldLines(list, stats);
  }
  if (route.cors !== null)
    tail += fieldLines(corsHeaders(route.cors, joined(ctx.head.headers.origin, ','), false), stats);
  if (affinityCookie !== null) {
    const line = fieldLine(
      'Set-Cookie',
      `${affinityCookie}; Path=/; HttpOnly${ctx.scheme === 'https' ? '; Secure' : ''}`,
    );
    if (line === null) stats.unsafeHeaderValues++;
    else tail += line;
  }
  if (chunked) tail += 'Transfer-Encoding: chunked\r\n';
  if (close) tail += 'Connection: close\r\n';
  else if (ctx.head.versionMinor === 0) tail += 'Connection: keep-alive\r\n';
  return b.text(tail + '\r\n');
}

/** Where the reason phrase starts in `HTTP/1.x NNN reason` (a status line without one has it at 12). */
const statusLineReasonStart = 13;

/** The client's 101 head for a tunnel: the upstream's fields but its connection ones, then ours. */
export function buildTunnelHead(response: ResponseHead, upgrade: string): HeadBuilder {
  const source = response.source;
  const { names, offsets } = response.fields;
  const b = headBuilder.text('HTTP/1.1 101 ').bytes(source, response.reasonStart, response.reasonEnd).text('\r\n');
  for (let f = 0; f < names.length; f++) {
    const name = names[f]!;
    if (name === 'connection' || name === 'upgrade' || name === 'keep-alive') continue;
    b.bytes(source, offsets[f * 4]!, offsets[f * 4 + 3]! + 2);
  }
  return b.text(`Connection: upgrade\r\nUpgrade: ${upgrade}\r\n\r\n`);
}

/** The lines of `[name, value, ...]`, leaving out (and counting) those that cannot be written safely. */
export function fieldLines(list: HeaderList, stats: UnsafeValueCounter): string {
  let lines = '';
  for (let i = 0; i < list.length; i += 2) {
    const line = fieldLine(list[i]!, list[i + 1]!);
    if (line === null) stats.unsafeHeaderValues++;
    else lines += line;
  }
  return lines;
}

/** A repeated request field's values joined (`, ` for lists, as nginx joins them). */
function joined(value: string | string[] | undefined, joiner: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value.join(joiner);
}
