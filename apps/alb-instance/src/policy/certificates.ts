import { checkCertificate, type CertificateConfig, type ListenerTlsConfig } from '@alb/proxy-core';
import { diagnosticCodes, type Diagnostic } from '../diagnostics.ts';
import { objectKey, type KubeObject } from '../objects/kube-object.ts';
import type { Snapshot } from '../objects/object-store.ts';

/** Who names a certificate: a Frontend (its port certificate) or a Rule (an SNI certificate for its domain). */
export type CertificateUser = {
  owner: Diagnostic['object'];
  field: string;
  /** `certificate_name` as written: `ns/name` or `ns_name`. */
  ref: string;
};

export type PemPair = { cert: string; key: string };

/**
 * The last certificate each TLS Secret had that could be served, so a bad new revision (a key that does not
 * match, an expired or unparsable certificate) leaves the previous one serving. The only state the policy build
 * keeps between rebuilds; a Secret that is deleted is forgotten.
 */
export class LastGoodCertificates {
  private readonly byKey = new Map<string, PemPair>();

  remember(key: string, pair: PemPair): void {
    this.byKey.set(key, pair);
  }

  recall(key: string): PemPair | undefined {
    return this.byKey.get(key);
  }

  /** Forgets Secrets that no longer exist. */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.byKey.keys()) if (!keys.has(key)) this.byKey.delete(key);
  }
}

/** `ns/name` or `ns_name` (neither a namespace nor a Secret name may contain `/` or `_`) -> `ns/name`. */
export function parseCertificateRef(ref: string): { namespace: string; name: string } | null {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)[/_]([^/_\s]+)$/.exec(ref);
  return match === null ? null : { namespace: match[1]!, name: match[3]! };
}

/**
 * Resolves the certificates Frontends and Rules name to `kubernetes.io/tls` Secrets: reads `tls.crt` (+ `ca.crt`,
 * appended to the chain) and `tls.key`, checks them, and returns them by `ns/name`. A missing or bad Secret gets a
 * diagnostic on the Secret and on each user; a bad revision is replaced by the last good one when there is one.
 */
export class CertificateResolver {
  private readonly secrets: Map<string, KubeObject>;
  private readonly resolved = new Map<string, CertificateConfig | null>();
  private readonly lastGood: LastGoodCertificates | undefined;
  private readonly now: number;
  readonly report: (d: Diagnostic) => void;

  constructor(
    snapshot: Snapshot,
    lastGood: LastGoodCertificates | undefined,
    now: number,
    report: (d: Diagnostic) => void,
  ) {
    this.lastGood = lastGood;
    this.now = now;
    this.report = report;
    const secrets = snapshot.get('Secret') ?? [];
    this.secrets = new Map(secrets.map((s) => [objectKey('Secret', s.metadata.namespace, s.metadata.name), s]));
    lastGood?.keepOnly(new Set(this.secrets.keys()));
  }

  /** The certificate's name in the data-plane config (`ns/name`), or null when it cannot be served. */
  use(user: CertificateUser): string | null {
    const ref = parseCertificateRef(user.ref);
    if (ref === null) {
      this.problem(user, `${JSON.stringify(user.ref)} is not "<namespace>/<secret>" or "<namespace>_<secret>"`);
      return null;
    }
    const name = `${ref.namespace}/${ref.name}`;
    if (!this.resolved.has(name)) this.resolved.set(name, this.load(ref.namespace, ref.name));
    const loaded = this.resolved.get(name)!;
    if (loaded === null) {
      this.problem(user, `certificate Secret ${name} cannot be served (see the Secret's diagnostics)`);
      return null;
    }
    return name;
  }

  /** Every certificate some user resolved, sorted by name (deterministic output). */
  certificates(): CertificateConfig[] {
    return [...this.resolved.values()]
      .filter((c): c is CertificateConfig => c !== null)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private load(namespace: string, name: string): CertificateConfig | null {
    const key = objectKey('Secret', namespace, name);
    const secret = this.secrets.get(key);
    const owner: Diagnostic['object'] = { kind: 'Secret', namespace, name };
    const secretProblem = (field: string, message: string) =>
      this.report({ object: owner, severity: 'error', code: diagnosticCodes.badCertificate, field, message });
    if (secret === undefined) {
      this.report({
        object: owner,
        severity: 'error',
        code: diagnosticCodes.certificateNotFound,
        field: '',
        message: 'the Secret named as a certificate does not exist (or is not of type kubernetes.io/tls)',
      });
      return null;
    }
    const fromPair = (pair: PemPair) => ({ name: `${namespace}/${name}`, ...pair });
    const previous = this.lastGood?.recall(key);
    const fail = (field: string, message: string): CertificateConfig | null => {
      secretProblem(
        field,
        previous === undefined ? `${message}; not served` : `${message}; the last good revision keeps serving`,
      );
      return previous === undefined ? null : fromPair(previous);
    };
    if (secret.type !== 'kubernetes.io/tls')
      return fail('type', `must be kubernetes.io/tls, got ${JSON.stringify(secret.type)}`);
    const read = (field: string): string | undefined | null => {
      const data = secret.data as Record<string, unknown> | undefined;
      const encoded = data?.[field];
      if (encoded === undefined) {
        const plain = (secret.stringData as Record<string, unknown> | undefined)?.[field];
        return typeof plain === 'string' ? plain : undefined;
      }
      if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(encoded)) return null;
      return Buffer.from(encoded, 'base64').toString('utf8');
    };
    const crt = read('tls.crt');
    const tlsKey = read('tls.key');
    const ca = read('ca.crt');
    if (crt == null) return fail('data["tls.crt"]', crt === null ? 'is not base64' : 'is missing');
    if (tlsKey == null) return fail('data["tls.key"]', tlsKey === null ? 'is not base64' : 'is missing');
    if (ca === null) return fail('data["ca.crt"]', 'is not base64');
    const cert = ca === undefined || ca.trim() === '' ? crt : `${crt.trimEnd()}\n${ca.trimStart()}`;
    const problem = checkCertificate(cert, tlsKey, this.now);
    if (problem !== null)
      return fail(problem.field === 'cert' ? 'data["tls.crt"]' : 'data["tls.key"]', problem.message);
    this.lastGood?.remember(key, { cert, key: tlsKey });
    return fromPair({ cert, key: tlsKey });
  }

  private problem(user: CertificateUser, message: string): void {
    this.report({
      object: user.owner,
      severity: 'error',
      code: diagnosticCodes.badCertificate,
      field: user.field,
      message,
    });
  }
}

/** One SNI certificate a Rule asks for: `domain` on the Frontend at `port`. */
export type SniClaim = { port: number; domain: string; certificate: string };

/**
 * ALB's certificate map, per https port: a domain that has one certificate across every https Frontend gets it on
 * all of them (ALB's `<domain>` key); a domain whose Frontends disagree gets each Frontend's own (`<domain>/<port>`).
 * Within one Frontend, the lowest certificate name wins for a domain. Returns the SNI list of a port, by host.
 */
export function sniForPorts(claims: readonly SniClaim[]): (port: number) => ListenerTlsConfig['sni'] {
  const perPort = new Map<number, Map<string, string>>();
  for (const claim of claims) {
    let domains = perPort.get(claim.port);
    if (domains === undefined) perPort.set(claim.port, (domains = new Map()));
    const domain = claim.domain.toLowerCase();
    const held = domains.get(domain);
    if (held === undefined || claim.certificate < held) domains.set(domain, claim.certificate);
  }
  const certsOfDomain = new Map<string, Set<string>>();
  for (const domains of perPort.values()) {
    for (const [domain, cert] of domains) {
      let set = certsOfDomain.get(domain);
      if (set === undefined) certsOfDomain.set(domain, (set = new Set()));
      set.add(cert);
    }
  }
  const everywhere: Array<[string, string]> = [];
  for (const [domain, certs] of certsOfDomain) if (certs.size === 1) everywhere.push([domain, [...certs][0]!]);
  return (port) => {
    const merged = new Map<string, string>(everywhere);
    for (const [domain, cert] of perPort.get(port) ?? []) merged.set(domain, cert);
    return [...merged]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([host, certificate]) => ({ host, certificate }));
  };
}
