// Which hosts of an Ingress have TLS, with which certificate, and which Frontends a host without TLS gets
// (Alauda ALB: ingress/need.go; per host, docs/architecture.md item 7).
import { annotations } from '@alb/crd-types';
import type { SslStrategy } from './alb-settings.ts';
import { parseBool } from './annotation-values.ts';
import type { Report } from './diagnostics.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';
import type { Ingress } from './kube-types.ts';

export type Side = 'http' | 'https';

export type TlsHosts = {
  /** Lower-case host -> certificate (`ns_secret` from spec.tls, `ns/secret` from the annotation) or '' (none named). */
  certs: Map<string, string>;
  /** The Frontends a host without TLS gets, from defaultSSLStrategy and `alb.networking.<domain>/enable-https`. */
  plainSides: Side[];
};

const certificateRef = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?[/_][^/\s]+$/;

export function tlsHosts(
  ingress: Ingress,
  namespace: string,
  domain: string,
  strategy: SslStrategy,
  report: Report,
): TlsHosts {
  const certs = new Map<string, string>();
  const tls = Array.isArray(ingress.spec?.tls) ? ingress.spec.tls : [];
  for (const entry of tls) {
    const secret =
      typeof entry?.secretName === 'string' && entry.secretName !== '' ? `${namespace}_${entry.secretName}` : '';
    // Like ALB, a later entry for the same host replaces an earlier one.
    for (const host of Array.isArray(entry?.hosts) ? entry.hosts : [])
      if (typeof host === 'string' && host !== '') certs.set(host.toLowerCase(), secret);
  }
  const keys = annotations(domain);
  const extra = ingress.metadata.annotations?.[keys.ingressTls];
  if (typeof extra === 'string') {
    const field = annotationField(keys.ingressTls);
    const seen = new Set<string>();
    for (const part of extra.split(',')) {
      const item = part.trim();
      if (item === '') continue;
      const [host, cert, ...rest] = item.split('=');
      if (
        host === undefined ||
        cert === undefined ||
        rest.length > 0 ||
        host.trim() === '' ||
        !certificateRef.test(cert.trim())
      ) {
        report(
          'warning',
          diagnosticCodes.badAnnotation,
          field,
          `entry ${JSON.stringify(item)} must be "<host>=<namespace>/<secret>"; ignored`,
        );
        continue;
      }
      const name = host.trim().toLowerCase();
      if (seen.has(name)) {
        report('warning', diagnosticCodes.badAnnotation, field, `host ${name} is listed twice; the first entry wins`);
        continue;
      }
      seen.add(name);
      // spec.tls wins for its hosts.
      if (!certs.has(name) || certs.get(name) === '') certs.set(name, cert.trim());
    }
  }

  let enableHttps: boolean | undefined;
  const flag = ingress.metadata.annotations?.[keys.ingressEnableHttps];
  if (typeof flag === 'string') {
    const parsed = parseBool(flag);
    if (parsed.ok) enableHttps = parsed.value;
    else
      report(
        'warning',
        diagnosticCodes.badAnnotation,
        annotationField(keys.ingressEnableHttps),
        `${parsed.message}; ignored`,
      );
  }
  return { certs, plainSides: plainSides(strategy, enableHttps) };
}

/** ALB's need rules for a host without TLS: Both -> http+https, Always -> https, Request + "true" -> https. */
export function plainSides(strategy: SslStrategy, enableHttps: boolean | undefined): Side[] {
  if (strategy === 'Both' && enableHttps !== false) return ['http', 'https'];
  if (strategy === 'Always' && enableHttps !== false) return ['https'];
  if (strategy === 'Request' && enableHttps === true) return ['https'];
  return ['http'];
}
