// Parsers for annotation values. Each returns the value or a message saying what was expected; callers report the
// message as a diagnostic and ignore only that setting.

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

const trueWords: ReadonlySet<string> = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const falseWords: ReadonlySet<string> = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** A boolean as ingress-nginx (Go `strconv.ParseBool`) reads it. */
export function parseBool(text: string): Parsed<boolean> {
  const value = text.trim();
  if (trueWords.has(value)) return ok(true);
  if (falseWords.has(value)) return ok(false);
  return bad(`must be "true" or "false", got ${JSON.stringify(text)}`);
}

/** A decimal integer (optional sign), nothing else. */
export function parseInteger(text: string): Parsed<number> {
  const value = text.trim();
  if (!/^[+-]?\d{1,15}$/.test(value)) return bad(`must be an integer, got ${JSON.stringify(text)}`);
  return ok(Number(value));
}

const maxTimeoutMs = 2 ** 32 - 1;

/**
 * A timeout in milliseconds as ALB reads it: a bare number means seconds (ingress-nginx's unit), `s` seconds,
 * `ms` milliseconds; decimals allowed, fractions of a millisecond dropped; at most 2^32-1 ms.
 */
export function parseTimeoutMs(text: string): Parsed<number> {
  const match = /^(\d+)(?:\.(\d+))?(ms|s)?$/.exec(text.trim());
  if (match === null)
    return bad(`must be a duration like "60" (seconds), "60s" or "500ms", got ${JSON.stringify(text)}`);
  const [, whole, fraction = '', unit] = match;
  // Exact decimal arithmetic: "4.35" seconds is 4350 ms, not 4349.999...
  const ms = unit === 'ms' ? Number(whole) : Number(whole) * 1000 + Number((fraction + '000').slice(0, 3));
  if (ms > maxTimeoutMs) return bad(`must be at most ${maxTimeoutMs} ms, got ${JSON.stringify(text)}`);
  return ok(ms);
}

export const redirectCodes = [301, 302, 303, 307, 308] as const;
export type RedirectCode = (typeof redirectCodes)[number];

export function parseRedirectCode(text: string): Parsed<RedirectCode> {
  const n = parseInteger(text);
  if (!n.ok || !(redirectCodes as readonly number[]).includes(n.value))
    return bad(`must be one of ${redirectCodes.join(', ')}, got ${JSON.stringify(text)}`);
  return ok(n.value as RedirectCode);
}

export function parsePort(text: string): Parsed<number> {
  const n = parseInteger(text);
  if (!n.ok || n.value < 1 || n.value > 65535)
    return bad(`must be a port from 1 to 65535, got ${JSON.stringify(text)}`);
  return ok(n.value);
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const objectName = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * A reference to an object as `namespace/name`; a bare `name` means the Ingress's namespace (as ingress-nginx).
 * Returns `namespace/name`.
 */
export function parseObjectRef(text: string, namespace: string): Parsed<string> {
  const value = text.trim();
  const parts = value.split('/');
  const [ns, name] =
    parts.length === 1 ? [namespace, parts[0]!] : parts.length === 2 ? [parts[0]!, parts[1]!] : ['', ''];
  if (!dnsLabel.test(ns) || !objectName.test(name))
    return bad(`must be "<namespace>/<name>" or "<name>", got ${JSON.stringify(text)}`);
  return ok(`${ns}/${name}`);
}
