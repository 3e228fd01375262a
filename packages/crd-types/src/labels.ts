// Label and annotation keys (Alauda ALB: config/config.go). The domain is configurable, as in ALB.
import { AlbError, errorCodes } from './errors.ts';

export const defaultDomain = 'cpaas.io';

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkDomain(domain: string): void {
  if (!dnsSubdomain.test(domain) || domain.length > 200)
    throw new AlbError(errorCodes.badArgument, `label domain must be a DNS subdomain like cpaas.io, got "${domain}"`);
}

/** Label keys for `domain` (default `cpaas.io`). */
export function labels(domain: string = defaultDomain) {
  checkDomain(domain);
  return {
    /** On Frontends and Rules: the ALB they belong to (required). */
    name: `alb2.${domain}/name`,
    /** On Rules: the Frontend they belong to (required). */
    frontend: `alb2.${domain}/frontend`,
    /** On translated Rules: `ingress`. */
    sourceType: `alb2.${domain}/source-type`,
    /** On translated Rules: the Ingress name, cut to 63 characters. */
    sourceName: `alb2.${domain}/source-name`,
    /** On translated Rules: the Ingress namespace, cut to 63 characters. */
    sourceNs: `alb2.${domain}/source-ns`,
    /** On translated Rules: `<ruleIndex>-<pathIndex>`. */
    sourceIndex: `alb2.${domain}/source-index`,
    /** On Namespaces (their project) and translated Rules. */
    project: `${domain}/project`,
    /** On ALB2s and Frontends: `project.<domain>/<project>: "true"`, one per project; see `projectLabel`. */
    projectPrefix: `project.${domain}/`,
    /** Legacy single-project label `project.<domain>/name: <project>`. */
    legacyProject: `project.${domain}/name`,
    /** On ALB2s in port-project mode: `port`. */
    role: `${domain}/role`,
    /** Pod label the operator's anti-affinity uses (value `antiAffinityKey`). */
    albType: `alb2.${domain}/type`,
  } as const;
}

/** `project.<domain>/<project>`: the label that puts an ALB2 or Frontend in a project (value `"true"`). */
export function projectLabel(project: string, domain: string = defaultDomain): string {
  return `${labels(domain).projectPrefix}${project}`;
}

/** Annotation keys for `domain` (default `cpaas.io`). */
export function annotations(domain: string = defaultDomain) {
  checkDomain(domain);
  return {
    /** On translated Rules: the Ingress rule index. */
    sourceIngressRuleIndex: `alb2.${domain}/source-ingress-rule-index`,
    /** On translated Rules: the Ingress path index. */
    sourceIngressPathIndex: `alb2.${domain}/source-ingress-path-index`,
    /** On Rules: request header rewrite (JSON). */
    rewriteRequest: `alb.rule.${domain}/rewrite-request`,
    /** On Rules: response header rewrite (JSON). */
    rewriteResponse: `alb.rule.${domain}/rewrite-response`,
    /** On tcp Frontends (ours, ALB has none): `v2` sends a PROXY protocol v2 header to the backend. */
    frontendProxyProtocol: `alb.frontend.${domain}/proxy-protocol`,
    /** On udp Frontends (ours: nginx `proxy_responses`): replies per client datagram, then the session ends. */
    frontendUdpResponses: `alb.frontend.${domain}/udp-responses`,
    /** On Rules and Ingresses: extra ModSecurity rules. */
    modsecuritySnippet: 'nginx.ingress.kubernetes.io/modsecurity-snippet',
    /** Prefix of ALB's own Ingress annotations (`alb.ingress.<domain>/rewrite-request`, ...). */
    ingressPrefix: `alb.ingress.${domain}/`,
    /** Prefix of the ingress-nginx annotations ALB honours. */
    nginxPrefix: 'nginx.ingress.kubernetes.io/',
    /** On Ingresses: `host=ns/secret,...` extra TLS hosts. */
    ingressTls: `alb.networking.${domain}/tls`,
    /** On Ingresses: `"true"`/`"false"` overrides defaultSSLStrategy. */
    ingressEnableHttps: `alb.networking.${domain}/enable-https`,
    /** On Ingresses: ModSecurity ConfigMap reference. */
    ingressModsecurityCmRef: `alb.modsecurity.${domain}/cmref`,
    /** On Ingresses: use ModSecurity's recommended config. */
    ingressModsecurityUseRecommend: `alb.modsecurity.${domain}/use-recommend`,
    /** On IngressClasses: comma list of projects (for UIs). */
    ingressClassProject: `alb.${domain}/project`,
    /** Legacy class annotation on Ingresses. */
    ingressClass: 'kubernetes.io/ingress.class',
    /** On ALB2s: JSON env map for the proxy (hard-coded `alb.cpaas.io` in ALB). */
    nginxEnv: 'alb.cpaas.io/nginx-env',
    /** On ALB2s: `"true"` makes the operator ignore it (hard-coded `alb.cpaas.io` in ALB). */
    ignoreMe: 'alb.cpaas.io/ignoreme',
    /** On ALB2s: JSON backup of chart values. */
    migrateBackup: `alb.${domain}/migrate-backup`,
  } as const;
}

/** `alb.<domain>/ingress-rule-priority-<rule>-<path>`: an Ingress path's Rule priority. */
export function ingressRulePriorityAnnotation(ruleIndex: number, pathIndex: number, domain = defaultDomain): string {
  checkDomain(domain);
  return `alb.${domain}/ingress-rule-priority-${ruleIndex}-${pathIndex}`;
}

/** `index.<rule>-<path>.alb.ingress.<domain>/`: the most specific Ingress annotation prefix. */
export function indexedIngressPrefix(ruleIndex: number, pathIndex: number, domain = defaultDomain): string {
  checkDomain(domain);
  return `index.${ruleIndex}-${pathIndex}.alb.ingress.${domain}/`;
}

/** A label value as ALB writes source names: cut to the 63 characters Kubernetes allows. */
export function labelValue(value: string): string {
  return value.slice(0, 63);
}
