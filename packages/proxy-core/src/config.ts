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
 * `tcp` and `udp` forward bytes to the default backend's group (L4).
 */
export type ListenerProtocol = 'http' | 'https' | 'grpc' | 'tcp' | 'udp';

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
  /** `tcp` and `udp` listeners: timeouts and options of the forwarded streams (defaults when absent). */
  stream?: StreamConfig | null;
};

/**
 * What an L4 (`tcp`, `udp`) listener does with its connections and datagrams. It has no rules: every connection
 * goes to the default backend's group (ALB: a Frontend's serviceGroup).
 */
export type StreamConfig = {
  /** Longest wait for an upstream connection to be established (nginx proxy_connect_timeout; default 5 s). */
  connectTimeoutMs?: number | null;
  /**
   * A TCP connection or UDP session with no bytes either way for this long is closed (nginx proxy_timeout;
   * default 120 s, ALB's stream default).
   */
  idleTimeoutMs?: number | null;
  /**
   * TCP keepalive on client connections (nginx `listen ... so_keepalive`): probes start after this much idle time
   * (TCP_KEEPIDLE); 0 keeps the system's idle time. Null or absent: off. `tcp` only.
   */
  keepaliveIdleMs?: number | null;
  /** `v2`: a PROXY protocol v2 header is sent to the upstream before the client's bytes (TCP only). */
  proxyProtocol?: 'v2' | null;
  /**
   * UDP: datagrams expected from the upstream per client datagram (nginx proxy_responses); once every datagram
   * got its replies the session ends. Null: unlimited, sessions end when idle.
   */
  udpResponses?: number | null;
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
  /** Who may pass (forward or basic auth); checked after routing, before the upstream is contacted. */
  auth?: AuthConfig | null;
  /** OpenTelemetry: a server span per request, a client span per upstream attempt, `traceparent` upstream. */
  tracing?: TracingConfig | null;
  /** For metrics and logs: where the rule came from (ALB `source`). */
  source?: { type: string; namespace: string; name: string } | null;
};

/**
 * Authentication at the edge. It fails closed: `deny` is what a route whose auth cannot be honoured (a missing
 * Secret or ConfigMap) gets, so its requests are refused rather than served unprotected or by a broader rule.
 */
export type AuthConfig = ForwardAuthConfig | BasicAuthConfig | { kind: 'deny'; reason: string };

/** ingress-nginx `auth-url` semantics: a subrequest decides; 2xx passes, 401/403 are answered, the rest is 500/503. */
export type ForwardAuthConfig = {
  kind: 'forward';
  /** http:// or https:// URL; may contain nginx variables (`$host`, `$request_uri`, `$escaped_request_uri`...). */
  url: string;
  /** Method of the subrequest (default GET). */
  method?: string;
  /** Extra headers for the auth service (ALB auth-proxy-set-headers); values may contain variables. */
  requestHeaders?: Record<string, string> | null;
  /** `X-Auth-Request-Redirect` value (variables allowed); default the request URI. */
  requestRedirect?: string | null;
  /** Auth response headers copied into the upstream request (the client's own values are never passed). */
  responseHeaders?: string[];
  /** Where a 401 sends the client (302), with the original URL as `signinRedirectParam`. */
  signin?: string | null;
  /** Default `rd`. */
  signinRedirectParam?: string | null;
  /** Pass the auth service's Set-Cookie on a denial too. */
  alwaysSetCookie?: boolean;
  /** Subrequest timeouts (default 5 s each). */
  connectTimeoutMs?: number | null;
  readTimeoutMs?: number | null;
};

/** OpenTelemetry tracing of a route (ALB `otel`). Spans are exported over OTLP/HTTP; off when absent. */
export type TracingConfig = {
  /** OTLP/HTTP endpoint (`http://host:4318`, `/v1/traces` added when it has no path); null: propagate only. */
  collector: string | null;
  /** ALB's samplers; `parent_base` follows a sampled/unsampled parent and uses `root` without one. */
  sampler: TracingSampler;
  /** Continue the client's `traceparent` (default true); false starts a new trace (ALB notrust_incoming_span). */
  trustIncoming?: boolean;
  /** Leave the upstream's address out of client spans (ALB hide_upstream_attrs). */
  hideUpstreamAttributes?: boolean;
  /** Resource attributes (`service.name` defaults to `alb`). */
  resource?: Record<string, string>;
  /** Spans held for export; more are dropped, never waited for (default 2048). */
  maxQueueSize?: number;
  /** Longest wait before a batch is sent (default 2000 ms, ALB's inactive_timeout 2 s). */
  exportDelayMs?: number;
  /** Timeout of one export request (default 3000 ms). */
  exportTimeoutMs?: number;
};

export type TracingSampler =
  | { name: 'always_on' | 'always_off' }
  | { name: 'trace_id_ratio'; fraction: number }
  | { name: 'parent_base'; root: { name: 'always_on' | 'always_off' } | { name: 'trace_id_ratio'; fraction: number } };

/** HTTP basic auth against htpasswd hashes (bcrypt, apr1, SHA1, crypt). */
export type BasicAuthConfig = {
  kind: 'basic';
  realm?: string | null;
  /** User -> hash, as in an htpasswd file. */
  users: Record<string, string>;
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
