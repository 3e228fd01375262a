import { isIP } from 'node:net';
import type { ListenerTlsConfig } from '../config.ts';
import type { RouteIssue } from '../router/route.ts';
import type { ServedCertificate } from './secure-contexts.ts';

/**
 * One https port's certificate choice, compiled: exact hosts in one map, one-label wildcards in another (keyed by
 * the part after `*.`), so a handshake costs at most two map lookups whatever the number of certificates (node's
 * own `addContext` scans a list of regexes).
 */
export class SniTable {
  readonly portCertificate: ServedCertificate | null;
  private readonly exact: ReadonlyMap<string, ServedCertificate>;
  private readonly wildcard: ReadonlyMap<string, ServedCertificate>;
  private readonly afterMiss: ServedCertificate | null;

  constructor(
    portCertificate: ServedCertificate | null,
    exact: ReadonlyMap<string, ServedCertificate>,
    wildcard: ReadonlyMap<string, ServedCertificate>,
    afterMiss: ServedCertificate | null,
  ) {
    this.portCertificate = portCertificate;
    this.exact = exact;
    this.wildcard = wildcard;
    this.afterMiss = afterMiss;
  }

  /**
   * The certificate for a client's SNI, or null to refuse the handshake. ALB's order: no name or an IP address ->
   * the port's; the exact host; `*.` + the host minus its first label; then the fallback (the port's certificate
   * when enabled, else the Ingress default certificate when configured).
   */
  select(servername: string | undefined): ServedCertificate | null {
    if (servername === undefined || servername === '' || isIP(servername) !== 0) return this.portCertificate;
    let host = servername.toLowerCase();
    if (host.endsWith('.')) host = host.slice(0, -1);
    const exact = this.exact.get(host);
    if (exact !== undefined) return exact;
    const dot = host.indexOf('.');
    if (dot > 0) {
      const wildcard = this.wildcard.get(host.slice(dot + 1));
      if (wildcard !== undefined) return wildcard;
    }
    return this.afterMiss;
  }
}

/**
 * Compiles a listener's TLS config against the certificates being served. A name that is not served (missing, or
 * never built) is reported and left out; the rest of the port keeps its certificates.
 */
export function compileSniTable(
  port: number,
  config: ListenerTlsConfig | null | undefined,
  certificates: ReadonlyMap<string, ServedCertificate>,
  issues: RouteIssue[],
): SniTable {
  const find = (name: string | null | undefined, field: string): ServedCertificate | null => {
    if (name == null) return null;
    const found = certificates.get(name);
    if (found === undefined)
      issues.push({ port, rule: '(tls)', field, message: `certificate ${JSON.stringify(name)} is not available` });
    return found ?? null;
  };
  const portCertificate = find(config?.portCertificate, 'tls.portCertificate');
  const exact = new Map<string, ServedCertificate>();
  const wildcard = new Map<string, ServedCertificate>();
  (config?.sni ?? []).forEach((entry, i) => {
    const served = find(entry.certificate, `tls.sni[${i}].certificate`);
    if (served === null) return;
    const host = entry.host.toLowerCase();
    if (host.startsWith('*.')) wildcard.set(host.slice(2), served);
    else exact.set(host, served);
  });
  const defaultCertificate = find(config?.defaultCertificate, 'tls.defaultCertificate');
  const afterMiss = (config?.fallbackToPortCertificate === true ? portCertificate : null) ?? defaultCertificate;
  return new SniTable(portCertificate, exact, wildcard, afterMiss);
}
