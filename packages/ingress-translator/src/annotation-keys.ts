// Every Ingress annotation the translator reads, by group. The README's annotation table is checked against
// these lists (test/readme.test.ts).

/**
 * ingress-nginx names. Each is read with three prefixes, the most specific winning:
 * `index.<rule>-<path>.alb.ingress.<domain>/` > `alb.ingress.<domain>/` > `nginx.ingress.kubernetes.io/`.
 */
export const nginxAnnotations = {
  routing: [
    'rewrite-target',
    'upstream-vhost',
    'backend-protocol',
    'enable-cors',
    'cors-allow-headers',
    'cors-allow-origin',
  ],
  redirect: [
    'permanent-redirect',
    'permanent-redirect-code',
    'temporal-redirect',
    'temporal-redirect-code',
    'ssl-redirect',
    'force-ssl-redirect',
    'redirect-code',
    'redirect-host',
    'redirect-port',
    'redirect-prefix-match',
    'redirect-replace-prefix',
  ],
  timeout: ['proxy-connect-timeout', 'proxy-send-timeout', 'proxy-read-timeout'],
  auth: [
    'auth-enable',
    'auth-url',
    'auth-method',
    'auth-proxy-set-headers',
    'auth-request-redirect',
    'auth-response-headers',
    'auth-signin',
    'auth-signin-redirect-param',
    'auth-always-set-cookie',
    'auth-realm',
    'auth-secret',
    'auth-secret-type',
    'auth-type',
  ],
  otel: ['enable-opentelemetry', 'opentelemetry-trust-incoming-spans'],
  modsecurity: ['enable-modsecurity', 'enable-owasp-core-rules', 'modsecurity-transaction-id', 'modsecurity-snippet'],
  /** Accepted without effect: paths are regexes by their own characters (reference 5.3), as in ALB. */
  accepted: ['use-regex'],
} as const;

/** ALB's own names, read with `index.<rule>-<path>.alb.ingress.<domain>/` > `alb.ingress.<domain>/`. */
export const albIngressAnnotations = ['rewrite-request', 'rewrite-response', 'otel'] as const;

/** Ingress-wide annotations under other prefixes (`<domain>` is the label domain, `cpaas.io` by default). */
export const otherAnnotations = {
  tls: 'alb.networking.<domain>/tls',
  enableHttps: 'alb.networking.<domain>/enable-https',
  modsecurityCmRef: 'alb.modsecurity.<domain>/cmref',
  modsecurityUseRecommend: 'alb.modsecurity.<domain>/use-recommend',
  rulePriority: 'alb.<domain>/ingress-rule-priority-<rule>-<path>',
  ingressClass: 'kubernetes.io/ingress.class',
} as const;

/**
 * ingress-nginx annotations users commonly carry over that have no equivalent here; each one present gets an
 * `ALB_INGRESS_UNSUPPORTED_ANNOTATION` warning (as does any other unknown key under the three prefixes).
 */
export const unsupportedNginxAnnotations = [
  'affinity',
  'affinity-mode',
  'allowlist-source-range',
  'app-root',
  'auth-cache-duration',
  'auth-cache-key',
  'auth-snippet',
  'canary',
  'canary-by-cookie',
  'canary-by-header',
  'canary-by-header-pattern',
  'canary-by-header-value',
  'canary-weight',
  'canary-weight-total',
  'client-body-buffer-size',
  'configuration-snippet',
  'cors-allow-credentials',
  'cors-allow-methods',
  'cors-expose-headers',
  'cors-max-age',
  'custom-http-errors',
  'default-backend',
  'denylist-source-range',
  'enable-global-auth',
  'from-to-www-redirect',
  'limit-connections',
  'limit-rpm',
  'limit-rps',
  'load-balance',
  'mirror-target',
  'preserve-trailing-slash',
  'proxy-body-size',
  'proxy-buffer-size',
  'proxy-buffering',
  'proxy-next-upstream',
  'proxy-next-upstream-tries',
  'proxy-ssl-secret',
  'proxy-ssl-verify',
  'server-snippet',
  'service-upstream',
  'session-cookie-name',
  'session-cookie-path',
  'ssl-passthrough',
  'stream-snippet',
  'upstream-hash-by',
  'whitelist-source-range',
  'x-forwarded-prefix',
] as const;

const nginxNames: ReadonlySet<string> = new Set(Object.values(nginxAnnotations).flat());
const albNames: ReadonlySet<string> = new Set(albIngressAnnotations);

/** Whether a name under `nginx.ingress.kubernetes.io/` is read. */
export function isKnownNginxName(name: string): boolean {
  return nginxNames.has(name);
}

/** Whether a name under `alb.ingress.<domain>/` (or its indexed form) is read. */
export function isKnownAlbIngressName(name: string): boolean {
  return nginxNames.has(name) || albNames.has(name);
}
