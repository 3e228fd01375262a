import { normalizeClientIp, parseIp, type ParsedIp } from '@alb/dslx';

/** The 12 bytes every PROXY protocol v2 header starts with. */
const signature = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

export type SocketEnd = { address: string | undefined; port: number | undefined };

/**
 * A PROXY protocol v2 header (haproxy's proxy-protocol.txt, section 2.2) telling the upstream who the client is:
 * `PROXY` over TCP with the client's address and port as source and the listener's as destination. IPv4-mapped
 * IPv6 addresses are sent as IPv4; when the two ends are of different families both go as IPv6. When an end is
 * unknown (the socket is already closed) the header says `LOCAL`, which the upstream treats as a health check
 * from the proxy itself rather than inventing an address.
 */
export function proxyV2Header(client: SocketEnd, listener: SocketEnd): Buffer {
  const source = parseEnd(client);
  const destination = parseEnd(listener);
  if (source === null || destination === null) return header(0x20, 0x00, 0);
  if (source.ip.family === 4 && destination.ip.family === 4) {
    const out = header(0x21, 0x11, 12);
    out.writeUInt32BE(source.ip.value, 16);
    out.writeUInt32BE(destination.ip.value, 20);
    out.writeUInt16BE(source.port, 24);
    out.writeUInt16BE(destination.port, 26);
    return out;
  }
  const out = header(0x21, 0x21, 36);
  writeIpv6(out, 16, asIpv6(source.ip));
  writeIpv6(out, 32, asIpv6(destination.ip));
  out.writeUInt16BE(source.port, 48);
  out.writeUInt16BE(destination.port, 50);
  return out;
}

function header(versionCommand: number, family: number, length: number): Buffer {
  const out = Buffer.alloc(16 + length);
  signature.copy(out, 0);
  out[12] = versionCommand;
  out[13] = family;
  out.writeUInt16BE(length, 14);
  return out;
}

function parseEnd(end: SocketEnd): { ip: ParsedIp; port: number } | null {
  if (end.address === undefined || end.port === undefined) return null;
  const ip = parseIp(normalizeClientIp(end.address));
  return ip === null ? null : { ip, port: end.port };
}

function asIpv6(ip: ParsedIp): bigint {
  return ip.family === 6 ? ip.value : (0xffffn << 32n) | BigInt(ip.value);
}

function writeIpv6(out: Buffer, offset: number, value: bigint): void {
  out.writeBigUInt64BE(value >> 64n, offset);
  out.writeBigUInt64BE(value & 0xffff_ffff_ffff_ffffn, offset + 8);
}
