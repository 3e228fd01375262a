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
