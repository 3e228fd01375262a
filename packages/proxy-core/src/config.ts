import type { DslxTerm } from '@alb/dslx';

/**
 * What the data plane serves: built by the policy builder (pure), applied whole by `DataPlane.apply`.
 * Plain JSON (it crosses process boundaries to workers); absent features are `null`.
 */
export type DataPlaneConfig = {
  listeners: ListenerConfig[];
  backendGroups: BackendGroupConfig[];
  /** Peers whose X-Forwarded-For / X-Real-IP / X-Forwarded-Proto/Host/Port are believed (CIDRs or IPs). */
  trustedProxies?: string[];
  /** Certificates the `https` listeners name (by `name`); absent or [] when no listener terminates TLS. */
  certificates?: CertificateConfig[];
};

/**
 * `http`: plain HTTP/1.1. `https`: TLS 1.2/1.3 with SNI, then HTTP/1.1 or HTTP/2 (ALPN) to HTTP/1.1 upstreams.
 * `grpc`: TLS with SNI, HTTP/2 only, each call proxied as HTTP/2 to the upstream (h2c, or TLS for `https`).
 * Room for TCP and UDP.
 */
export type ListenerProtocol = 'http' | 'https' | 'grpc';

/**
 * A certificate and its key (PEM): the chain (leaf first, a Secret's `ca.crt` appended) and the private key.
 * `name` is how listeners refer to it (the instance uses the Secret's `namespace/name`); a change of `cert` or
 * `key` under the same name is a rotation: new handshakes get the new one, open connections keep theirs.
 */
export type CertificateConfig = { name: string; cert: string; key: string };

/**
 * Which certificate a TLS handshake gets (ALB's order): a client without SNI (or with an IP address as SNI) gets
 * `portCertificate`; otherwise the exact host in `sni`, then its one-label wildcard (`*.example.com` for
 * `a.example.com`), then `portCertificate` when `fallbackToPortCertificate`, then `defaultCertificate`; with none
 * of these the handshake is refused.
 */
export type ListenerTlsConfig = {
  portCertificate: string | null;
  /** Lower-case host (exact, or `*.` + the rest for a one-label wildcard) -> certificate name. */
  sni: Array<{ host: string; certificate: string }>;
  fallbackToPortCertificate?: boolean;
  /** ALB's Ingress default certificate (defaultSSLCert, when defaultSSLStrategy is Always or Both). */
  defaultCertificate?: string | null;
};

export type ListenerConfig = {
  port: number;
  protocol: ListenerProtocol;
  rules: RuleConfig[];
  /** What serves a request no rule matches (ALB: the Frontend's serviceGroup); null gives 404. */
  defaultBackend: RouteConfig | null;
  /** Client-side HTTP keep-alive (ALB Frontend `config.keepalive.http`). */
  keepalive?: ClientKeepaliveConfig | null;
  /** Defaults for the rules of this listener; a rule's own timeouts win. */
  timeouts?: TimeoutConfig | null;
  /** Certificates of an `https` or `grpc` listener (required there, ignored elsewhere). */
  tls?: ListenerTlsConfig | null;
};

export type ClientKeepaliveConfig = {
  /** Idle time before a keep-alive connection is closed (nginx keepalive_timeout, default 75 s). */
  timeoutMs?: number;
  /** Time a client has to send a complete request head (nginx client_header_timeout, default 60 s): then 408. */
  headerTimeoutMs?: number;
  /** Requests served on one connection before it is closed (nginx keepalive_requests, default 1000). */
  requests?: number;
};

/** A rule: matched with DSLX, in ALB's order; what it does when it wins is its route. */
export type RuleConfig = RouteConfig & { name: string; priority: number; dslx: DslxTerm[] };

/** Where a request goes and what is done to it on the way. */
export type RouteConfig = {
  /** Name of a backend group; null means "no backend" (500 InvalidBalancer) unless a redirect answers. */
  backendGroup: string | null;
  /** `https` opens TLS to the upstream (no verification, as nginx's proxy_ssl_verify off). */
  backendProtocol?: 'http' | 'https';
  redirect?: RedirectConfig | null;
  rewrite?: RewriteConfig | null;
  /** Host header sent upstream instead of the client's (ALB `vhost`, Ingress `upstream-vhost`). */
  vhost?: string | null;
  requestHeaders?: RequestHeaderRewrite | null;
  responseHeaders?: ResponseHeaderRewrite | null;
  cors?: CorsConfig | null;
  timeouts?: TimeoutConfig | null;
  /** For metrics and logs: where the rule came from (ALB `source`). */
  source?: { type: string; namespace: string; name: string } | null;
};

export type RedirectConfig = {
  /** Status code; ALB's Lua default is 302. */
  code?: number | null;
  /** A full URL (used as is when scheme, host and port are unset) or a path. */
  url?: string | null;
  scheme?: string | null;
  host?: string | null;
  port?: number | null;
  /** With replacePrefix: replace this leading part of the path. */
  prefixMatch?: string | null;
  replacePrefix?: string | null;
};

export type RewriteConfig =
  /** ALB `rewrite_base` (regex, first match, `.*` = whole path) + `rewrite_target` with `$1`.. captures. */
  | { kind: 'regex'; base: string; target: string }
  /** Gateway-style prefix replacement (`rewrite_prefix_match` / `rewrite_replace_prefix`). */
  | { kind: 'prefix'; match: string; replace: string };

/** ALB's rewrite-request JSON: applied set -> set from variable -> remove -> add -> add from variable. */
export type RequestHeaderRewrite = {
  headers?: Record<string, string>;
  headersVar?: Record<string, string>;
  headersRemove?: string[];
  headersAdd?: Record<string, string[]>;
  headersAddVar?: Record<string, string[]>;
};

/** ALB's rewrite-response JSON: applied set -> remove -> add. */
export type ResponseHeaderRewrite = {
  headers?: Record<string, string>;
  headersRemove?: string[];
  headersAdd?: Record<string, string[]>;
};

export type CorsConfig = {
  /** Allowed origins; empty means `*`. */
  allowOrigins: string[];
  /** Allowed request headers (ALB's default list when absent). */
  allowHeaders?: string | null;
};

export type TimeoutConfig = {
  connectMs?: number | null;
  /** Longest wait for the upstream to accept request bytes. */
  sendMs?: number | null;
  /** Longest wait between two reads from the upstream (response head included). */
  readMs?: number | null;
};

export type BalancePolicy = 'round-robin' | 'sip-hash' | 'cookie' | 'header';

export type BackendGroupConfig = {
  name: string;
  policy: BalancePolicy;
  /** Cookie name (default JSESSIONID) or header name for `cookie` / `header` affinity. */
  affinityAttribute?: string | null;
  endpoints: EndpointConfig[];
};

export type EndpointConfig = { address: string; port: number; weight: number };
