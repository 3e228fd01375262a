import { bodies, proxyNames, type BodyKind, type ProxyName } from './workload.ts';

export type Slot = { round: number; body: BodyKind; proxy: ProxyName };

/**
 * The measured runs in order: each round, for each body, every proxy once; round r starts r places further into
 * the proxy list, so no proxy always runs first (colder caches) or last (a warmer, busier machine).
 */
export function schedule(rounds: number, proxies: readonly ProxyName[] = proxyNames): Slot[] {
  const slots: Slot[] = [];
  for (let round = 0; round < rounds; round++)
    for (const body of bodies)
      for (let i = 0; i < proxies.length; i++)
        slots.push({ round, body: body.kind, proxy: proxies[(i + round) % proxies.length]! });
  return slots;
}
