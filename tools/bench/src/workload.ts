/** What every proxy is asked for: the same two requests, both matched by ALB's last rule before the catch-all. */

/** Rules in the ALB config besides the catch-all. */
export const ruleCount = 1000;

/** Rules of the second ALB (`alb-10k`): the same 1000 and 9000 more that order before them and never match. */
export const largeRuleCount = 10_000;

/** The rule the bench's requests match: the last one (in ALB's order) before the catch-all. */
export const matchedRule = 'svc-999';

/** The tiny body the backend answers on `tinyPath`. */
export const tinyBody = 'hello world\n';

/** Size of the large body the backend answers on `bigPath`. */
export const bigBodySize = 65536;

export type BodyKind = 'tiny' | '64KiB';

export type BodySpec = { kind: BodyKind; path: string; size: number };

export const bodies: readonly BodySpec[] = [
  { kind: 'tiny', path: '/svc-999/', size: Buffer.byteLength(tinyBody) },
  { kind: '64KiB', path: '/svc-999/64k', size: bigBodySize },
];

/**
 * Every proxy measured, in the order the table lists them; `nginx` is the reference for the ratios, `nginx-2w`
 * (2 worker processes) the reference of `alb-2w` (2 data-plane workers).
 */
export const proxyNames = [
  'nginx',
  'haproxy',
  'alb',
  'alb-10k',
  'http-proxy',
  'fastify-http-proxy',
  'nginx-2w',
  'alb-2w',
] as const;

export type ProxyName = (typeof proxyNames)[number];

/** The ALB data planes: their rule counts (besides the catch-all) and data-plane workers. */
export const albProxies: ReadonlyMap<ProxyName, { rules: number; workers: number }> = new Map([
  ['alb', { rules: ruleCount, workers: 1 }],
  ['alb-10k', { rules: largeRuleCount, workers: 1 }],
  ['alb-2w', { rules: ruleCount, workers: 2 }],
]);

/** nginx's `worker_processes` per nginx proxy. */
export const nginxProxies: ReadonlyMap<ProxyName, number> = new Map([
  ['nginx', 1],
  ['nginx-2w', 2],
]);

/** Each multi-worker ALB and the nginx with as many workers it is compared with. */
export const multiWorkerPairs: ReadonlyArray<{ alb: ProxyName; nginx: ProxyName; workers: number }> = [
  { alb: 'alb-2w', nginx: 'nginx-2w', workers: 2 },
];

/** The proxies whose system calls per request the profile counts (tiny body). */
export const profiledProxies: readonly ProxyName[] = ['nginx', 'alb'];

/** The Node peers ALB's "2x the best Node peer" target is measured against. */
export const nodePeers: readonly ProxyName[] = ['http-proxy', 'fastify-http-proxy'];
