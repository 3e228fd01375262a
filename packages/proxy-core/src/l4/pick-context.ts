import { RequestView, normalizeClientIp } from '@alb/dslx';
import type { PickContext } from '../balancer/balancer.ts';

/** L4 balancing looks at the client address only (round robin, sip-hash): there is no request to view. */
const noRequest = new RequestView({ method: '', url: '/', headers: {}, remoteAddress: '' });

/** What the balancer sees of an L4 client: its address (IPv4-mapped IPv6 as IPv4, as HTTP's `SRC_IP`). */
export function pickContextFor(address: string | undefined): PickContext {
  return { view: noRequest, clientIp: normalizeClientIp(address ?? '') };
}
