import { normalizeClientIp, parseIp, type ParsedIp } from './ip.ts';
import { decodeQueryComponent, normalizeHost, normalizePath, splitTarget } from './request-target.ts';
import type { MatchRequest } from './types.ts';

/**
 * What compiled rules read from one request. Each value is computed on first use and at most once per request,
 * however many rules look at it: a table of 10k rules parses the cookies once, or never if no rule reads them.
 */
export class RequestView {
  readonly req: MatchRequest;
  private targetDone = false;
  private hostValue: string | undefined = undefined;
  private pathValue = '/';
  private queryText: string | undefined = undefined;
  private params: Map<string, string> | null = null;
  private cookies: Map<string, string> | null = null;
  private ipDone = false;
  private ipText = '';
  private ipValue: ParsedIp | null = null;

  constructor(req: MatchRequest) {
    this.req = req;
  }

  host(): string | undefined {
    if (!this.targetDone) this.parseTarget();
    return this.hostValue;
  }

  path(): string {
    if (!this.targetDone) this.parseTarget();
    return this.pathValue;
  }

  method(): string {
    return this.req.method;
  }

  /** A request header by its lower-case name; repeated headers are joined with ", " as nginx does. */
  header(name: string): string | undefined {
    const value = this.req.headers[name];
    if (value === undefined || typeof value === 'string') return value;
    return value.length === 0 ? undefined : value.join(', ');
  }

  /** The first occurrence of a query parameter, decoded; `?flag` without `=` has the value "". */
  param(key: string): string | undefined {
    if (this.params === null) this.params = this.parseParams();
    return this.params.get(key);
  }

  /** The first cookie of that name (names compare case-insensitively, as nginx's `$cookie_` does). */
  cookie(lowerName: string): string | undefined {
    if (this.cookies === null) this.cookies = this.parseCookies();
    return this.cookies.get(lowerName);
  }

  srcIp(): string {
    if (!this.ipDone) this.parseIp();
    return this.ipText;
  }

  srcIpParsed(): ParsedIp | null {
    if (!this.ipDone) this.parseIp();
    return this.ipValue;
  }

  private parseTarget(): void {
    const url = this.req.url;
    if (url.charCodeAt(0) === 47 /* / */) {
      // origin-form, the common case: no authority to look at.
      const q = url.indexOf('?');
      this.pathValue = normalizePath(q === -1 ? url : url.slice(0, q));
      this.queryText = q === -1 ? undefined : url.slice(q + 1);
      this.hostValue = normalizeHost(this.header('host'));
    } else {
      const target = splitTarget(url);
      this.pathValue = normalizePath(target.path);
      this.queryText = target.query;
      this.hostValue = normalizeHost(target.authority ?? this.header('host'));
    }
    this.targetDone = true;
  }

  private parseParams(): Map<string, string> {
    const params = new Map<string, string>();
    if (!this.targetDone) this.parseTarget();
    const query = this.queryText;
    if (query === undefined || query === '') return params;
    let start = 0;
    while (start <= query.length) {
      let end = query.indexOf('&', start);
      if (end === -1) end = query.length;
      if (end > start) {
        const eq = query.indexOf('=', start);
        const hasValue = eq !== -1 && eq < end;
        const key = decodeQueryComponent(query.slice(start, hasValue ? eq : end));
        if (!params.has(key)) params.set(key, hasValue ? decodeQueryComponent(query.slice(eq + 1, end)) : '');
      }
      start = end + 1;
    }
    return params;
  }

  private parseCookies(): Map<string, string> {
    const cookies = new Map<string, string>();
    const raw = this.req.headers.cookie;
    if (raw === undefined) return cookies;
    if (typeof raw === 'string') addCookies(raw, cookies);
    else for (const line of raw) addCookies(line, cookies);
    return cookies;
  }

  private parseIp(): void {
    this.ipText = normalizeClientIp(this.req.remoteAddress);
    this.ipValue = parseIp(this.ipText);
    this.ipDone = true;
  }
}

/** Adds the `name=value` pairs of one Cookie header, keeping the first of each (lower-cased) name. */
function addCookies(line: string, cookies: Map<string, string>): void {
  let start = 0;
  while (start < line.length) {
    let end = line.indexOf(';', start);
    if (end === -1) end = line.length;
    const eq = line.indexOf('=', start);
    if (eq !== -1 && eq < end) {
      const name = trimmedLower(line, start, eq);
      if (name !== '' && !cookies.has(name)) cookies.set(name, line.slice(eq + 1, end).trim());
    }
    start = end + 1;
  }
}

function trimmedLower(text: string, start: number, end: number): string {
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  const name = text.slice(start, end);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return name.toLowerCase();
  }
  return name;
}
