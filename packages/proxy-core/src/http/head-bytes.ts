import { FIELD_VALUE, HOST, TARGET, TOKEN } from './chars.ts';

/**
 * What may go into a head the proxy writes. Every generated header line passes `fieldLine` (through
 * `HeadBuilder.field` or `fieldLines`), and configured names, values and hosts are checked with these at config
 * load: a CR, LF or NUL written into a head would let its author add header lines or whole
 * requests (response splitting, request smuggling).
 */

/** A field name: a non-empty token. */
export function isFieldName(name: string): boolean {
  return nonEmptyIn(TOKEN, name);
}

/**
 * A value as the bytes to write (a latin1 string), or null when they would carry CR, LF, NUL or another control
 * byte (HTAB is allowed). Characters above U+00FF (a percent-decoded UTF-8 path, a configured value) are written as
 * their UTF-8 bytes, as nginx does: written as latin1 they would lose their high bits, and U+010A would become LF.
 */
export function fieldValueBytes(value: string): string | null {
  let wide = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 255) wide = true;
    else if (FIELD_VALUE[c] !== 1) return null;
  }
  return wide ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

/**
 * The header line `name: value\r\n` as latin1 bytes, or null when the name is not a token or the value would carry
 * CR, LF, NUL or another control byte: the one check every generated header line passes.
 */
export function fieldLine(name: string, value: string): string | null {
  const bytes = fieldValueBytes(value);
  return bytes === null || !isFieldName(name) ? null : `${name}: ${bytes}\r\n`;
}

/** A request-target the proxy writes: visible ASCII only (what the parser accepts from clients). */
export function isRequestTarget(target: string): boolean {
  return nonEmptyIn(TARGET, target);
}

/** A host (and optional port) as Host, a redirect's authority or `vhost`: RFC 3986 reg-name, IP literal, port. */
export function isHost(host: string): boolean {
  return nonEmptyIn(HOST, host);
}

/** Whether `text` is non-empty and every character is in `table` (a byte class of `chars.ts`). */
function nonEmptyIn(table: Uint8Array, text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255 || table[c] !== 1) return false;
  }
  return true;
}
