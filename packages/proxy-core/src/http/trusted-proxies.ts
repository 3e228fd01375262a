import { normalizeClientIp, parseCidr, parseIp, type CidrBlock } from '@alb/dslx';

/**
 * The proxies whose forwarding headers are believed. Anyone else's X-Forwarded-For / X-Real-IP is replaced, never
 * appended to: a client cannot choose the address that SRC_IP rules, logs and backends see.
 */
export class TrustedProxies {
  private readonly blocks: CidrBlock[];

  constructor(blocks: CidrBlock[]) {
    this.blocks = blocks;
  }

  /** Parses `10.0.0.0/8`, `::1`, ...; returns the entries that are not addresses or CIDR blocks in `invalid`. */
  static parse(entries: readonly string[]): { proxies: TrustedProxies | null; invalid: string[] } {
    const blocks: CidrBlock[] = [];
    const invalid: string[] = [];
    for (const entry of entries) {
      const block = parseCidr(entry.trim());
      if (block === null) invalid.push(entry);
      else blocks.push(block);
    }
    return { proxies: blocks.length === 0 ? null : new TrustedProxies(blocks), invalid };
  }

  trusts(ip: string): boolean {
    const parsed = parseIp(ip);
    if (parsed === null) return false;
    for (const block of this.blocks) {
      if (block.family === 4 && parsed.family === 4) {
        if ((parsed.value & block.mask) >>> 0 === block.network) return true;
      } else if (block.family === 6 && parsed.family === 6) {
        if ((parsed.value & block.mask) === block.network) return true;
      }
    }
    return false;
  }
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy; then the right-most X-Forwarded-For
 * entry that is not itself a trusted proxy (nginx's real_ip_recursive), else X-Real-IP, else the peer.
 */
export function resolveClientIp(
  peer: string,
  forwardedFor: string | string[] | undefined,
  realIp: string | string[] | undefined,
  trusted: TrustedProxies | null,
): string {
  if (trusted === null || !trusted.trusts(peer)) return peer;
  if (forwardedFor !== undefined) {
    const entries = (typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',')).split(',');
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = normalizeClientIp(entries[i]!.trim());
      if (parseIp(entry) === null) break; // garbage: stop believing the chain here
      if (i === 0 || !trusted.trusts(entry)) return entry;
    }
  }
  if (typeof realIp === 'string') {
    const entry = normalizeClientIp(realIp.trim());
    if (parseIp(entry) !== null) return entry;
  }
  return peer;
}
