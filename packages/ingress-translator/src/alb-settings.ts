// What the translator needs from the ALB2, with ALB's defaults (Alauda ALB: pkg/operator/config/external.go).
import type { Alb2 } from '@alb/crd-types';
import { annotations, labels } from '@alb/crd-types';

export type SslStrategy = 'Never' | 'Request' | 'Always' | 'Both';

export type AlbSettings = {
  name: string;
  namespace: string;
  apiVersion: string;
  uid: string | undefined;
  domain: string;
  /** Label and annotation keys of the domain (computed once: they are used for every Rule). */
  labelKeys: ReturnType<typeof labels>;
  annotationKeys: ReturnType<typeof annotations>;
  /** `enableIngress` is not "false". */
  enabled: boolean;
  /** 0 = that side is disabled. */
  httpPort: number;
  httpsPort: number;
  sslStrategy: SslStrategy;
  /** `defaultSSLCert` with `/` turned into `_` (ALB's convention for Frontend certificates), or ''. */
  defaultCert: string;
  sslRedirect: boolean;
  /** Served projects: `spec.config.projects` plus `project.<domain>/<p>: "true"` labels; `ALL_ALL` = every one. */
  projects: Set<string>;
  portMode: boolean;
  /** Addresses for Ingress status: IPs and host names, in order, without duplicates. */
  addresses: string[];
};

export const allProjects = 'ALL_ALL';

const strategies: readonly string[] = ['Never', 'Request', 'Always', 'Both'];

function port(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535 ? value : fallback;
}

export function albSettings(alb: Alb2, domain: string): AlbSettings {
  const config = alb.spec?.config ?? {};
  const keys = labels(domain);
  const albLabels = alb.metadata.labels ?? {};
  const projects = new Set<string>();
  if (Array.isArray(config.projects)) for (const p of config.projects) if (typeof p === 'string') projects.add(p);
  for (const [key, value] of Object.entries(albLabels)) {
    if (key.startsWith(keys.projectPrefix) && key !== keys.legacyProject && value === 'true')
      projects.add(key.slice(keys.projectPrefix.length));
  }
  const legacy = albLabels[keys.legacyProject];
  if (legacy !== undefined && legacy !== '') projects.add(legacy);

  let httpsPort = port(config.ingressHTTPSPort, 443);
  const httpPort = port(config.ingressHTTPPort, 80);
  // One port cannot be both: the http side keeps it.
  if (httpsPort === httpPort) httpsPort = 0;

  const strategy = typeof config.defaultSSLStrategy === 'string' ? config.defaultSSLStrategy : 'Never';
  return {
    name: alb.metadata.name,
    namespace: alb.metadata.namespace ?? 'default',
    apiVersion: alb.apiVersion,
    uid: alb.metadata.uid,
    domain,
    labelKeys: keys,
    annotationKeys: annotations(domain),
    enabled: config.enableIngress !== 'false',
    httpPort,
    httpsPort,
    sslStrategy: (strategies.includes(strategy) ? strategy : 'Never') as SslStrategy,
    defaultCert: typeof config.defaultSSLCert === 'string' ? config.defaultSSLCert.replaceAll('/', '_') : '',
    sslRedirect: config.ingressSSLRedirect === true,
    projects,
    portMode: albLabels[keys.role] === 'port' || config.enablePortProject === true,
    addresses: albAddresses(alb),
  };
}

/**
 * The addresses an ALB is reached at (`spec.address`, comma-separated, then the discovered ones in its status),
 * without duplicates: Ingress status lists them, and a status writer recognises this ALB's entries by them.
 */
export function albAddresses(alb: Alb2): string[] {
  const out: string[] = [];
  const add = (value: unknown) => {
    if (typeof value !== 'string') return;
    const address = value.trim();
    if (address !== '' && !out.includes(address)) out.push(address);
  };
  for (const part of (alb.spec?.address ?? '').split(',')) add(part);
  const found = alb.status?.detail?.address;
  for (const list of [found?.ipv4, found?.ipv6, found?.host]) if (Array.isArray(list)) list.forEach(add);
  return out;
}
