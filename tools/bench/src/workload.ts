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

/** Every proxy measured, in the order the table lists them; `nginx` is the reference for the ratios. */
export const proxyNames = ['nginx', 'haproxy', 'alb', 'alb-10k', 'http-proxy', 'fastify-http-proxy'] as const;

export type ProxyName = (typeof proxyNames)[number];

/** The ALB data planes and their rule counts (besides the catch-all). */
export const albProxies: ReadonlyMap<ProxyName, number> = new Map<ProxyName, number>([
  ['alb', ruleCount],
  ['alb-10k', largeRuleCount],
]);

/** The Node peers ALB's "2x the best Node peer" target is measured against. */
export const nodePeers: readonly ProxyName[] = ['http-proxy', 'fastify-http-proxy'];
