/**
 * Byte lengths for ALB's sort keys, counted without encoding (a rule table of 100k rules would otherwise allocate
 * a buffer per argument just to read its length).
 */

/** UTF-8 bytes of `text`; a lone surrogate counts as U+FFFD (3 bytes), as TextEncoder writes it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Bytes of `text` as a JSON string (quotes included) the way ALB's Go `json.Marshal` counts it: JSON.stringify's
 * escapes (`\"`, `\\`, `\n`-style and `\u00XX` controls, `\uDXXX` for lone surrogates), plus Go's `\u003c`-style
 * escapes of `<`, `>`, `&`, U+2028 and U+2029; everything else as UTF-8.
 */
export function jsonStringLength(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += asciiJsonLength[c]!;
    else if (c < 0x800) bytes += 2;
    else if (c === 0x2028 || c === 0x2029) bytes += 6;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff)
      bytes += 6; // a lone surrogate: JSON.stringify writes \uDXXX
    else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** JSON bytes of each ASCII character. */
const asciiJsonLength = Uint8Array.from({ length: 128 }, (_, c) => {
  if (c === 0x22 || c === 0x5c) return 2; // \" \\
  if (c === 8 || c === 9 || c === 10 || c === 12 || c === 13) return 2; // \b \t \n \f \r
  if (c < 0x20) return 6; // \u00XX
  if (c === 60 || c === 62 || c === 38) return 6; // Go: \u003c \u003e \u0026
  return 1;
});
