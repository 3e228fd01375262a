/**
 * IP addresses as numbers, for RANGE and CIDR. IPv4 is a 32-bit number; IPv6 is a 128-bit bigint.
 * Parsing is strict (no leading zeros in IPv4 octets, no zone in rules) so a rule means one thing.
 */
export type ParsedIp = { family: 4; value: number } | { family: 6; value: bigint };

export function parseIpv4(text: string): number | null {
  let value = 0;
  let octets = 0;
  let digits = 0;
  let octet = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a virtual '.' closes the last octet
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return null; // leading zero: ambiguous (octal in inet_aton)
      octet = octet * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return null;
    } else if (c === 46) {
      if (digits === 0 || ++octets > 4) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  return octets === 4 ? value : null;
}

export function parseIpv6(text: string): bigint | null {
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const compressed = halves.length === 2;
  // Only the last group of the whole address may be a dotted IPv4 (::ffff:1.2.3.4).
  const head = parseGroups(halves[0]!, !compressed);
  const tail = compressed ? parseGroups(halves[1]!, true) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) return null;
  let value = 0n;
  for (const group of head) value = (value << 16n) | BigInt(group);
  value <<= BigInt(16 * missing);
  for (const group of tail) value = (value << 16n) | BigInt(group);
  return value;
}

function parseGroups(text: string, lastMayBeIpv4: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (lastMayBeIpv4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

export function parseIp(text: string): ParsedIp | null {
  if (text.includes(':')) {
    const v6 = parseIpv6(text);
    return v6 === null ? null : { family: 6, value: v6 };
  }
  const v4 = parseIpv4(text);
  return v4 === null ? null : { family: 4, value: v4 };
}

const v4MappedPrefix = '::ffff:';

/**
 * The client address as a request presents it: an IPv4-mapped IPv6 address (what a dual-stack socket reports for
 * an IPv4 client) is its IPv4 form, and a zone (`fe80::1%eth0`) is dropped.
 */
export function normalizeClientIp(address: string): string {
  if (address.length > 7 && address.charCodeAt(0) === 58 && address.toLowerCase().startsWith(v4MappedPrefix)) {
    const rest = address.slice(v4MappedPrefix.length);
    if (rest.includes('.')) return rest;
  }
  const zone = address.indexOf('%');
  return zone === -1 ? address : address.slice(0, zone);
}

/** A CIDR block as network + mask, both in the family's number type. */
export type CidrBlock = { family: 4; network: number; mask: number } | { family: 6; network: bigint; mask: bigint };

export function parseCidr(text: string): CidrBlock | null {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const ip = parseIp(addressText);
  if (ip === null) return null;
  const bits = ip.family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > bits) return null;
  }
  if (ip.family === 4) {
    // Host bits are cleared, as Go's net.ParseCIDR does: 10.1.2.3/8 is 10.0.0.0/8.
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { family: 4, network: (ip.value & mask) >>> 0, mask };
  }
  const all = (1n << 128n) - 1n;
  const mask = prefix === 0 ? 0n : (all << BigInt(128 - prefix)) & all;
  return { family: 6, network: ip.value & mask, mask };
}
