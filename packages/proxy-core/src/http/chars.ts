/**
 * Byte classes of RFC 9110/9112, as lookup tables: a parser tests one byte with one array read.
 */
function table(accept: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = accept(c) ? 1 : 0;
  return t;
}

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** tchar: the characters of a token (methods, header names, transfer codings). */
export const TOKEN = table((c) => isAlnum(c) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)));

/** field-vchar / SP / HTAB / obs-text: what a header value may contain (no CR, LF, NUL or other controls). */
export const FIELD_VALUE = table((c) => c === 9 || (c >= 32 && c !== 127));

/** What a request-target may contain: visible ASCII only (non-ASCII must be percent-encoded). */
export const TARGET = table((c) => c > 32 && c < 127);

/** What a Host header may contain: reg-name, IP-literal in brackets, port (RFC 3986 authority without userinfo). */
export const HOST = table((c) => isAlnum(c) || "-._~!$&'()*+,;=:[]%".includes(String.fromCharCode(c)));

export const CR = 13;
export const LF = 10;
export const SP = 32;
export const HTAB = 9;
export const COLON = 58;
