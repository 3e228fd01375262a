/**
 * Percent-encodes a decoded path for a request line or a Location header: what `encodeURI` escapes, plus `?` and
 * `#` (they would end the path). A `%` becomes `%25`, so a decoded path never turns back into different escapes.
 */
export function encodePath(path: string): string {
  let plain = true;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 37 || c === 63 || c === 35 || c === 34 || c === 60 || c === 62) {
      plain = false;
      break;
    }
  }
  if (plain) return path;
  return encodeURI(path).replaceAll('?', '%3F').replaceAll('#', '%23');
}

/** The raw query of a request-target (without `?`), or '' when there is none. */
export function rawQuery(target: string): string {
  const q = target.indexOf('?');
  if (q === -1) return '';
  const hash = target.indexOf('#', q);
  return hash === -1 ? target.slice(q + 1) : target.slice(q + 1, hash);
}

/**
 * nginx's `$arg_<name>`: the raw value (percent-encoding kept) of the first `name=value` pair in the query whose
 * name matches case-insensitively; undefined when there is none (a bare `?name` has no value).
 */
export function rawQueryArg(target: string, name: string): string | undefined {
  const q = target.indexOf('?');
  if (q === -1) return undefined;
  const hash = target.indexOf('#', q);
  const end = hash === -1 ? target.length : hash;
  let start = q + 1;
  while (start < end) {
    let pairEnd = target.indexOf('&', start);
    if (pairEnd === -1 || pairEnd > end) pairEnd = end;
    const eq = start + name.length;
    if (eq < pairEnd && target.charCodeAt(eq) === 61 /* = */ && equalsIgnoreCase(target, start, name))
      return target.slice(eq + 1, pairEnd);
    start = pairEnd + 1;
  }
  return undefined;
}

function equalsIgnoreCase(text: string, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    let a = text.charCodeAt(start + i);
    let b = name.charCodeAt(i);
    if (a >= 65 && a <= 90) a |= 0x20;
    if (b >= 65 && b <= 90) b |= 0x20;
    if (a !== b) return false;
  }
  return true;
}
