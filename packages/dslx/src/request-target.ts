/**
 * The parts of a request-target that rules look at, computed the way nginx computes `$host` and `$uri`.
 */

/** Splits `path?query` (or absolute-form `http://host/path?query`) into its pieces without decoding. */
export function splitTarget(url: string): { authority: string | undefined; path: string; query: string | undefined } {
  let authority: string | undefined;
  let start = 0;
  if (url.charCodeAt(0) !== 47 /* / */) {
    // absolute-form (RFC 9112 3.2.2): scheme://authority/path; anything else (`*`, junk) has no path.
    const schemeEnd = url.indexOf('://');
    if (schemeEnd > 0) {
      const authorityStart = schemeEnd + 3;
      let authorityEnd = authorityStart;
      while (authorityEnd < url.length) {
        const c = url.charCodeAt(authorityEnd);
        if (c === 47 || c === 63 || c === 35) break; // / ? #
        authorityEnd++;
      }
      authority = url.slice(authorityStart, authorityEnd);
      const at = authority.lastIndexOf('@');
      if (at !== -1) authority = authority.slice(at + 1);
      start = authorityEnd;
    }
  }
  const q = url.indexOf('?', start);
  const end = q === -1 ? url.length : q;
  let path = start === 0 && end === url.length ? url : url.slice(start, end);
  if (path === '' || path.charCodeAt(0) !== 47) path = '/' + path;
  return { authority, path, query: q === -1 ? undefined : url.slice(q + 1) };
}

/**
 * nginx's `$host`: lower-case, without the port and without a trailing dot. `[v6]` keeps its brackets.
 * Returns undefined for an absent or empty host.
 */
export function normalizeHost(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let end = raw.length;
  if (raw.charCodeAt(0) === 91 /* [ */) {
    const close = raw.indexOf(']');
    end = close === -1 ? raw.length : close + 1;
  } else {
    const colon = raw.indexOf(':');
    if (colon !== -1) end = colon;
  }
  if (end > 1 && raw.charCodeAt(end - 1) === 46 /* . */) end--;
  if (end === 0) return undefined;
  let host = end === raw.length ? raw : raw.slice(0, end);
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      host = host.toLowerCase();
      break;
    }
  }
  return host;
}

/**
 * nginx's `$uri`: the path percent-decoded, with `//` merged and `.`/`..` segments resolved. A `..` above the root
 * stays at the root. Invalid `%` escapes are kept as they are.
 */
export function normalizePath(path: string): string {
  if (isPlainPath(path)) return path;
  const decoded = percentDecode(path);
  const segments: string[] = [];
  const parts = decoded.split('/');
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const isLast = i === parts.length - 1;
    if (part === '' || part === '.') {
      if (isLast) segments.push('');
      continue;
    }
    if (part === '..') {
      segments.pop();
      if (isLast) segments.push('');
      continue;
    }
    segments.push(part);
  }
  return '/' + segments.join('/');
}

/** True when the path needs no decoding or normalization (the common case, checked without allocating). */
function isPlainPath(path: string): boolean {
  let prev = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 37 /* % */) return false;
    if (prev === 47 /* / */ && (c === 47 || c === 46)) return false; // "//", "/." (also "/..")
    prev = c;
  }
  return true;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  // Decode byte-wise then as UTF-8, so %C3%A9 is one character; invalid escapes stay literal.
  const input = utf8Encoder.encode(text);
  const output = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    if (b === 37 && i + 2 < input.length && isHex(input[i + 1]!) && isHex(input[i + 2]!)) {
      output[n++] = (hexValue(input[i + 1]!) << 4) | hexValue(input[i + 2]!);
      i += 2;
    } else {
      output[n++] = b;
    }
  }
  return utf8Decoder.decode(output.subarray(0, n));
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Decodes one `application/x-www-form-urlencoded` component: `+` is a space, bad escapes stay literal. */
export function decodeQueryComponent(text: string): string {
  const plus = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return percentDecode(plus);
  }
}
