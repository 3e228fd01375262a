import {
  labels,
  parseAlb2,
  parseFrontend,
  parseRule,
  type Alb2,
  type Frontend,
  type Parsed,
  type Rule,
  type ValidationIssue,
} from '@alb/crd-types';
import type { BackendGroupConfig, DataPlaneConfig, ListenerConfig, RuleConfig } from '@alb/proxy-core';
import { diagnosticCodes, type Diagnostic } from '../diagnostics.ts';
import { CertificateResolver, sniForPorts, type LastGoodCertificates, type SniClaim } from './certificates.ts';
import { keyOf, type KubeObject } from '../objects/kube-object.ts';
import type { Snapshot } from '../objects/object-store.ts';
import { parseDuration } from './durations.ts';
import { AuthObjects } from './auth-config.ts';
import { routeFor, type RouteContext } from './route-config.ts';
import { ServiceIndex } from './service-backends.ts';
import { buildStreamListener } from './stream-listener.ts';

export type BuildOptions = {
  /** The ALB this instance serves; when absent, the only ALB2 (or the only ALB Frontends name). */
  albName?: string;
  /** Label and annotation domain (default cpaas.io). */
  domain?: string;
  trustedProxies?: string[];
  /** The last servable revision of each TLS Secret (kept by the caller across rebuilds); none: no memory. */
  lastGoodCertificates?: LastGoodCertificates;
  /** Now, in ms since the epoch (expired certificates are refused): injected so the build stays pure. */
  now?: number;
};

/** Frontend protocols this data plane serves. */
const servedProtocols: ReadonlySet<string> = new Set(['http', 'https', 'grpc', 'tcp', 'udp']);

export type BuildResult = {
  albName: string | null;
  config: DataPlaneConfig;
  diagnostics: Diagnostic[];
  /** Per Frontend and Rule of this ALB (by key): its problems, [] when accepted as is (status conditions). */
  issuesByObject: Map<string, ValidationIssue[]>;
  /**
   * Which objects a rule of the config comes from, by `<port>/<rule name>` (the data plane's names): Rules by
   * name, a Frontend's redirect and default backend (`(default backend)`) from the Frontend. To put what the data
   * plane refuses on the right objects.
   */
  ruleSources: Map<string, string[]>;
};

/**
 * Validation results by object: objects are immutable (a change is a new object), so an unchanged Rule is not
 * validated again on every rebuild. Keyed weakly: forgotten objects take their entries with them.
 */
const parsedByDomain = new Map<
  string,
  { frontends: WeakMap<object, Parsed<Frontend>>; rules: WeakMap<object, Parsed<Rule>> }
>();

function parseCache(domain: string) {
  let cache = parsedByDomain.get(domain);
  if (cache === undefined) parsedByDomain.set(domain, (cache = { frontends: new WeakMap(), rules: new WeakMap() }));
  return cache;
}

function memo<T>(cache: WeakMap<object, T>, object: object, parse: () => T): T {
  let value = cache.get(object);
  if (value === undefined) cache.set(object, (value = parse()));
  return value;
}

/** A Frontend's redirect runs before every rule (ALB: a match-first policy, priority -1, complexity 999999999). */
const FRONTEND_REDIRECT_PRIORITY = -2147483648;

/**
 * The policy builder: ALB2 + Frontends + Rules + Services + EndpointSlices -> the data plane's config, plus a
 * diagnostic for everything that could not be used. Pure and deterministic: the same snapshot gives the same
 * config, byte for byte. A bad object is left out with its diagnostics; the rest is served.
 */
export function buildPolicy(snapshot: Snapshot, options: BuildOptions = {}): BuildResult {
  const domain = options.domain ?? 'cpaas.io';
  const keys = labels(domain);
  const diagnostics: Diagnostic[] = [];
  const issuesByObject = new Map<string, ValidationIssue[]>();
  const report = (d: Diagnostic) => {
    diagnostics.push(d);
    if (d.object.kind === 'Frontend' || d.object.kind === 'Rule') {
      const key = `${d.object.kind}/${d.object.namespace ?? ''}/${d.object.name}`;
      issuesByObject.get(key)?.push({ path: d.field, message: d.message, code: d.code, severity: d.severity });
    }
  };
  const trustedProxies = options.trustedProxies ?? [];
  const empty: BuildResult = {
    albName: null,
    config: { listeners: [], backendGroups: [], trustedProxies },
    diagnostics,
    issuesByObject,
    ruleSources: new Map(),
  };

  const { albName, alb } = selectAlb(snapshot, options.albName, keys.name, domain, report);
  if (albName === null) return empty;

  const services = new ServiceIndex(snapshot);
  const authObjects = new AuthObjects(snapshot);
  const groups: BackendGroupConfig[] = [];
  const listeners: ListenerConfig[] = [];
  const rulesByFrontend = new Map<string, KubeObject[]>();
  for (const rule of snapshot.get('Rule') ?? []) {
    if (rule.metadata.labels?.[keys.name] !== albName) continue;
    issuesByObject.set(keyOf(rule), []);
    const frontendName = rule.metadata.labels?.[keys.frontend] ?? '';
    let list = rulesByFrontend.get(frontendName);
    if (list === undefined) rulesByFrontend.set(frontendName, (list = []));
    list.push(rule);
  }

  const ruleSources = new Map<string, string[]>();
  const ports = new Map<number, string>();
  const servedFrontends = new Set<string>();
  const httpsFrontends: HttpsFrontend[] = [];
  for (const object of snapshot.get('Frontend') ?? []) {
    if (object.metadata.labels?.[keys.name] !== albName) continue;
    const key = keyOf(object);
    issuesByObject.set(key, []);
    const owner = ownerOf(object);
    const parsed = memo(parseCache(domain).frontends, object, () => parseFrontend(object, { domain }));
    reportIssues(parsed.issues, owner, report);
    if (!parsed.ok) continue;
    const frontend = parsed.value;
    if (alb !== null && object.metadata.namespace !== alb.metadata.namespace) {
      report({
        object: owner,
        severity: 'warning',
        code: diagnosticCodes.invalidObject,
        field: 'metadata.namespace',
        message: `the ALB2 ${albName} is in namespace ${alb.metadata.namespace}; Alauda ALB only reads Frontends from there`,
      });
    }
    const protocol = frontend.spec.protocol;
    if (!servedProtocols.has(protocol)) {
      report({
        object: owner,
        severity: 'error',
        code: diagnosticCodes.unsupported,
        field: 'spec.protocol',
        message: `${protocol} listeners are not served yet (${[...servedProtocols].join(', ')}); port ${frontend.spec.port} is not opened`,
      });
      continue;
    }
    const taken = ports.get(frontend.spec.port);
    if (taken !== undefined) {
      report({
        object: owner,
        severity: 'error',
        code: diagnosticCodes.portConflict,
        field: 'spec.port',
        message: `port ${frontend.spec.port} is already served by Frontend ${taken}`,
      });
      continue;
    }
    ports.set(frontend.spec.port, frontend.metadata.name);
    servedFrontends.add(frontend.metadata.name);
    const ruleObjects = rulesByFrontend.get(frontend.metadata.name) ?? [];
    listeners.push(
      protocol === 'tcp' || protocol === 'udp'
        ? buildStreamListener(frontend, protocol, ruleObjects, { alb, domain, services, groups, owner, report })
        : buildListener(frontend, alb, ruleObjects, services, groups, domain, authObjects, report),
    );
    if (protocol === 'https' || protocol === 'grpc') httpsFrontends.push({ frontend, owner, ruleObjects });
    const port = frontend.spec.port;
    const sourcesOf = (name: string) => {
      let list = ruleSources.get(`${port}/${name}`);
      if (list === undefined) ruleSources.set(`${port}/${name}`, (list = []));
      return list;
    };
    for (const rule of ruleObjects) sourcesOf(rule.metadata.name).push(keyOf(rule));
    sourcesOf(`${frontend.metadata.name}/redirect`).push(key);
    sourcesOf('(default backend)').push(key);
  }

  for (const [frontendName, rules] of rulesByFrontend) {
    if (servedFrontends.has(frontendName)) continue;
    for (const rule of rules) {
      report({
        object: ownerOf(rule),
        severity: 'error',
        code: diagnosticCodes.unknownFrontend,
        field: `metadata.labels["${keys.frontend}"]`,
        message:
          frontendName === ''
            ? 'the label naming its Frontend is missing'
            : `no served Frontend named ${frontendName} for ALB ${albName}`,
      });
    }
  }

  const certificates = new CertificateResolver(
    snapshot,
    options.lastGoodCertificates,
    options.now ?? Date.now(),
    report,
  );
  addTls(listeners, httpsFrontends, alb, certificates, domain);

  listeners.sort((a, b) => a.port - b.port);
  groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const certificateList = certificates.certificates();
  return {
    albName,
    config: {
      listeners,
      backendGroups: groups,
      trustedProxies,
      ...(certificateList.length > 0 ? { certificates: certificateList } : {}),
    },
    diagnostics,
    issuesByObject,
    ruleSources,
  };
}

function selectAlb(
  snapshot: Snapshot,
  wanted: string | undefined,
  nameLabel: string,
  domain: string,
  report: (d: Diagnostic) => void,
): { albName: string | null; alb: Alb2 | null } {
  const alb2s = snapshot.get('ALB2') ?? [];
  const candidates = wanted === undefined ? alb2s : alb2s.filter((a) => a.metadata.name === wanted);
  let albName = wanted ?? null;
  if (wanted === undefined) {
    if (candidates.length === 1) albName = candidates[0]!.metadata.name;
    else if (candidates.length === 0) {
      const named = [
        ...new Set(
          (snapshot.get('Frontend') ?? []).map((f) => f.metadata.labels?.[nameLabel]).filter((n) => n !== undefined),
        ),
      ];
      if (named.length === 1) albName = named[0]!;
    }
    if (albName === null) {
      const found =
        candidates.length > 1
          ? `ALB2s ${candidates.map((a) => a.metadata.name).join(', ')}`
          : 'no ALB2 and no Frontend naming one';
      report({
        object: { kind: 'ALB2', name: '(none)' },
        severity: 'error',
        code: diagnosticCodes.noAlb,
        field: '',
        message: `cannot tell which ALB to serve (found ${found}); pass --alb <name>`,
      });
      return { albName: null, alb: null };
    }
  }
  const object = candidates.find((a) => a.metadata.name === albName) ?? null;
  if (object === null) {
    report({
      object: { kind: 'ALB2', name: albName! },
      severity: 'warning',
      code: diagnosticCodes.noAlb,
      field: '',
      message: `ALB2 ${albName} not found; its Frontends are served with default settings`,
    });
    return { albName, alb: null };
  }
  const parsed = parseAlb2(object, { domain });
  reportIssues(parsed.issues, ownerOf(object), report);
  // An invalid ALB2 only loses its defaults (timeouts, ...): its Frontends are still served.
  return { albName, alb: parsed.ok ? parsed.value : null };
}

function buildListener(
  frontend: Frontend,
  alb: Alb2 | null,
  ruleObjects: KubeObject[],
  services: ServiceIndex,
  groups: BackendGroupConfig[],
  domain: string,
  authObjects: AuthObjects,
  report: (d: Diagnostic) => void,
): ListenerConfig {
  const context = (owner: RouteContext['owner']): RouteContext => ({
    alb,
    frontend,
    domain,
    owner,
    report,
    authObjects,
  });
  const ftOwner = ownerOf(frontend as unknown as KubeObject);
  const rules: RuleConfig[] = [];
  for (const object of ruleObjects) {
    const owner = ownerOf(object);
    const parsed = memo(parseCache(domain).rules, object, () => parseRule(object, { domain }));
    reportIssues(parsed.issues, owner, report);
    if (!parsed.ok) continue;
    const rule: Rule = parsed.value;
    const groupName =
      rule.spec.serviceGroup === undefined ? null : `Rule:${object.metadata.namespace}/${object.metadata.name}`;
    if (groupName !== null)
      groups.push(services.resolve(groupName, rule.spec.serviceGroup!, owner, 'spec.serviceGroup', report));
    const route = routeFor(rule, groupName, context(owner));
    if (route === null) continue;
    rules.push({ ...route, name: object.metadata.name, priority: rule.spec.priority ?? 0, dslx: rule.spec.dslx });
  }
  rules.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const ftRedirect = frontend.spec.config?.redirect;
  if (ftRedirect !== undefined) {
    const redirectRoute = routeFor(null, null, context(ftOwner));
    if (redirectRoute?.redirect) {
      rules.unshift({
        ...redirectRoute,
        name: `${frontend.metadata.name}/redirect`,
        priority: FRONTEND_REDIRECT_PRIORITY,
        dslx: [{ type: 'URL', values: [['STARTS_WITH', '/']] }],
      });
    }
  }

  let defaultBackend: ListenerConfig['defaultBackend'] = null;
  if (frontend.spec.serviceGroup !== undefined) {
    const groupName = `Frontend:${frontend.metadata.namespace}/${frontend.metadata.name}`;
    groups.push(services.resolve(groupName, frontend.spec.serviceGroup, ftOwner, 'spec.serviceGroup', report));
    defaultBackend = routeFor(null, groupName, context(ftOwner));
    if (defaultBackend !== null) defaultBackend = { ...defaultBackend, redirect: null };
  }

  return {
    port: frontend.spec.port,
    protocol: frontend.spec.protocol === 'grpc' ? 'grpc' : frontend.spec.protocol === 'https' ? 'https' : 'http',
    rules,
    defaultBackend,
    keepalive: keepaliveOf(frontend, ftOwner, report),
  };
}

type HttpsFrontend = { frontend: Frontend; owner: Diagnostic['object']; ruleObjects: KubeObject[] };

/**
 * Certificates of the https listeners, ALB's way: the Frontend's `certificate_name` is the port certificate; a
 * Rule's `certificate_name` + `domain` adds an SNI certificate; with `defaultSSLStrategy` Always or Both, names
 * nothing matches get the Ingress https Frontend's certificate.
 */
function addTls(
  listeners: ListenerConfig[],
  https: readonly HttpsFrontend[],
  alb: Alb2 | null,
  certificates: CertificateResolver,
  domain: string,
): void {
  if (https.length === 0) return;
  const portCertificates = new Map<number, string | null>();
  const claims: SniClaim[] = [];
  for (const { frontend, owner, ruleObjects } of https) {
    const port = frontend.spec.port;
    const ref = frontend.spec.certificate_name;
    portCertificates.set(port, ref ? certificates.use({ owner, field: 'spec.certificate_name', ref }) : null);
    if (!ref) {
      certificates.report({
        object: owner,
        severity: 'warning',
        code: diagnosticCodes.badCertificate,
        field: 'spec.certificate_name',
        message: `the ${frontend.spec.protocol} Frontend has no certificate_name: clients without a matching SNI certificate are refused`,
      });
    }
    for (const object of ruleObjects) {
      const parsed = memo(parseCache(domain).rules, object, () => parseRule(object, { domain }));
      if (!parsed.ok) continue;
      const { certificate_name: ruleRef, domain: host } = parsed.value.spec;
      if (!ruleRef || !host) continue;
      const name = certificates.use({ owner: ownerOf(object), field: 'spec.certificate_name', ref: ruleRef });
      if (name !== null) claims.push({ port, domain: host, certificate: name });
    }
  }
  const sniOf = sniForPorts(claims);
  const strategy = alb?.spec?.config?.defaultSSLStrategy;
  const ingressPort = alb?.spec?.config?.ingressHTTPSPort ?? 443;
  const defaultCertificate =
    strategy === 'Always' || strategy === 'Both' ? (portCertificates.get(ingressPort) ?? null) : null;
  for (const listener of listeners) {
    if (listener.protocol !== 'https' && listener.protocol !== 'grpc') continue;
    listener.tls = {
      portCertificate: portCertificates.get(listener.port) ?? null,
      sni: sniOf(listener.port),
      defaultCertificate,
    };
  }
}

function keepaliveOf(
  frontend: Frontend,
  owner: Diagnostic['object'],
  report: (d: Diagnostic) => void,
): ListenerConfig['keepalive'] {
  const keepalive = frontend.spec.config?.keepalive;
  if (keepalive === undefined) return null;
  if (keepalive.tcp !== undefined) {
    report({
      object: owner,
      severity: 'warning',
      code: diagnosticCodes.unsupported,
      field: 'spec.config.keepalive.tcp',
      message: 'TCP keepalive settings are not applied yet',
    });
  }
  const http = keepalive.http;
  if (http === undefined) return null;
  if (http.header_timeout !== undefined) {
    report({
      object: owner,
      severity: 'warning',
      code: diagnosticCodes.unsupported,
      field: 'spec.config.keepalive.http.header_timeout',
      message: 'the Keep-Alive response header is not sent yet',
    });
  }
  const timeoutMs = parseDuration(http.timeout);
  if (http.timeout !== undefined && timeoutMs === null) {
    report({
      object: owner,
      severity: 'warning',
      code: diagnosticCodes.invalidObject,
      field: 'spec.config.keepalive.http.timeout',
      message: `${JSON.stringify(http.timeout)} is not a duration like 75s; the default 75s is used`,
    });
  }
  return { timeoutMs: timeoutMs ?? undefined, requests: http.requests };
}

function reportIssues(
  issues: readonly ValidationIssue[],
  owner: Diagnostic['object'],
  report: (d: Diagnostic) => void,
): void {
  for (const found of issues) {
    report({
      object: owner,
      severity: found.severity,
      code: diagnosticCodes.invalidObject,
      field: found.path,
      message: `${found.message} [${found.code}]`,
    });
  }
}

function ownerOf(object: KubeObject): Diagnostic['object'] {
  const owner: Diagnostic['object'] = { kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace !== undefined) owner.namespace = object.metadata.namespace;
  return owner;
}
