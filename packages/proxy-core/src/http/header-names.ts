/**
 * Lower-case names of common header fields, found from the raw bytes without building a string. The strings are
 * literals, so V8 has them interned already: using them as property keys and comparing them costs nothing, where
 * a freshly lower-cased name would be hashed and looked up in the string table on every request.
 */
const common = [
  'host',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'authorization',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'cookie',
  'date',
  'etag',
  'expect',
  'expires',
  'forwarded',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'keep-alive',
  'last-modified',
  'location',
  'origin',
  'pragma',
  'proxy-connection',
  'referer',
  'server',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'upgrade-insecure-requests',
  'vary',
  'via',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
  'x-request-id',
  'sec-fetch-dest',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
  'access-control-request-method',
  'access-control-request-headers',
];

/**
 * An open-addressing table keyed by `nameHash` (FNV-1a over the bytes with bit 5 set, which lower-cases letters):
 * the parser computes the hash while it validates the name, then one array probe finds the literal.
 */
const TABLE_SIZE = 512;
const tableHashes = new Uint32Array(TABLE_SIZE);
const tableNames: Array<string | undefined> = new Array(TABLE_SIZE);

export const FNV_OFFSET = 0x811c9dc5;

/** One step of the name hash; the parser inlines the same arithmetic. */
export function nameHashStep(hash: number, byte: number): number {
  return Math.imul(hash ^ (byte | 0x20), 0x01000193) >>> 0;
}

for (const name of common) {
  let hash = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) hash = nameHashStep(hash, name.charCodeAt(i));
  let slot = hash & (TABLE_SIZE - 1);
  while (tableNames[slot] !== undefined) slot = (slot + 1) & (TABLE_SIZE - 1);
  tableHashes[slot] = hash;
  tableNames[slot] = name;
}

/** The lower-case name of the field name in `buf[start, end)` whose hash is `hash`. */
export function lowerFieldName(buf: Buffer, start: number, end: number, hash: number): string {
  const length = end - start;
  for (let slot = hash & (TABLE_SIZE - 1); tableNames[slot] !== undefined; slot = (slot + 1) & (TABLE_SIZE - 1)) {
    const name = tableNames[slot]!;
    if (tableHashes[slot] === hash && name.length === length && equalsLower(buf, start, name)) return name;
  }
  return buf.toString('latin1', start, end).toLowerCase();
}

/** Whether `buf[start, start + lower.length)` equals `lower` ignoring ASCII case (names are tokens: ASCII). */
export function equalsLower(buf: Buffer, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = buf[start + i]!;
    const folded = c >= 65 && c <= 90 ? c | 0x20 : c;
    if (folded !== lower.charCodeAt(i)) return false;
  }
  return true;
}
