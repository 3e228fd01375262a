// Types shared by ALB2, Frontend and Rule: object metadata, backends, sources, conditions and the extension
// configs (timeout, redirect, keepalive, auth, otel, modsecurity). Field names and shapes are Alauda ALB's.
import type { JsonSchema } from './json-schema.ts';
import { ref, stringList, stringMap } from './json-schema.ts';

const dnsLabel = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** `ns/name`, or "" (Go writes empty strings for unset fields). */
const nsNameRef = (description: string): JsonSchema => ({
  type: 'string',
  description,
  pattern: `^(${dnsLabel}/[^/\\s]+)?$`,
  'x-alb-format': '"<namespace>/<name>"',
});

/** `ns/name` or ALB's older `ns_name`, or "". */
export const certificateRef = (description: string): JsonSchema => ({
  type: 'string',
  description,
  pattern: `^(${dnsLabel}[/_][^/\\s]+)?$`,
  'x-alb-format': '"<namespace>/<secret>" (or "<namespace>_<secret>")',
});

const port = (description: string): JsonSchema => ({
  type: 'integer',
  format: 'int32',
  minimum: 1,
  maximum: 65535,
  description,
});

const nginxTime = (description: string): JsonSchema => ({
  type: 'string',
  description,
  // Unambiguous on purpose: `([0-9]+(unit)?)*` backtracks exponentially on digits that fail at the end.
  pattern: '^([0-9]+(ms|s|m|h|d|w|M|y))*[0-9]*$',
  'x-alb-format': 'a time such as 30 (seconds), 30s, 5m or 1h30m',
});

const milliseconds = (description: string): JsonSchema => ({
  type: 'integer',
  format: 'int64',
  minimum: 0,
  maximum: 4294967295,
  description,
});

export const sharedDefs: Record<string, JsonSchema> = {
  ObjectMeta: {
    title: 'ObjectMeta',
    type: 'object',
    description: 'Standard Kubernetes object metadata (only the fields ALB reads are spelled out).',
    'x-alb-use': ['k8s'],
    required: ['name'],
    additionalProperties: true,
    properties: {
      name: { type: 'string', minLength: 1, description: 'Object name.' },
      namespace: { type: 'string', description: 'Object namespace.' },
      labels: stringMap('Labels; ALB reads `alb2.<domain>/*` and `project.<domain>/*` keys.'),
      annotations: stringMap('Annotations; ALB reads the `alb.rule.<domain>/*` keys on Rules.'),
      generation: { type: 'integer', format: 'int64', description: 'Set by the API server on spec changes.' },
      resourceVersion: { type: 'string', description: 'Set by the API server.' },
      uid: { type: 'string', description: 'Set by the API server.' },
      creationTimestamp: { type: 'string', description: 'Set by the API server.' },
    },
  },

  Condition: {
    title: 'Condition',
    type: 'object',
    description: 'A standard Kubernetes condition (metav1.Condition).',
    'x-alb-use': ['status'],
    'x-alb-apiserver': true,
    additionalProperties: false,
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
    properties: {
      type: {
        type: 'string',
        maxLength: 316,
        pattern:
          '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
        'x-alb-format': 'a CamelCase condition type such as Accepted',
        description: 'Condition type, e.g. `Accepted`.',
      },
      status: { type: 'string', enum: ['True', 'False', 'Unknown'], description: '`True`, `False` or `Unknown`.' },
      observedGeneration: {
        type: 'integer',
        format: 'int64',
        minimum: 0,
        description: 'The `metadata.generation` the condition was computed from.',
      },
      lastTransitionTime: {
        type: 'string',
        format: 'date-time',
        description: 'When `status` last changed (RFC 3339).',
      },
      reason: {
        type: 'string',
        minLength: 1,
        maxLength: 1024,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
        'x-alb-format': 'a CamelCase reason such as InvalidSpec',
        description: 'Machine-readable reason, e.g. `Valid` or `InvalidSpec`.',
      },
      message: {
        type: 'string',
        maxLength: 32768,
        description: 'Human-readable details: every problem with its field path.',
      },
    },
  },

  Service: {
    title: 'Service',
    type: 'object',
    description: 'A Kubernetes Service port that receives traffic.',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    required: ['name', 'namespace', 'port'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Service name.' },
      namespace: { type: 'string', minLength: 1, description: 'Service namespace.' },
      port: port('The Service port (`spec.ports[].port`), not the container port.'),
      weight: {
        type: 'integer',
        minimum: 0,
        default: 100,
        description:
          'Share of traffic among the group, 0-100 (0 = none). Above 100 counts as 100, as in ALB (a warning). ' +
          'Absent counts as 100 (ALB read it as 0, which starves the service).',
      },
    },
  },

  SessionAffinityPolicy: {
    title: 'SessionAffinityPolicy',
    type: 'string',
    enum: ['', 'sip-hash', 'cookie', 'header'],
    description:
      '"" weighted round-robin; `sip-hash` consistent hash of the client IP; `cookie` sticky on the cookie ' +
      'named by `session_affinity_attribute` (default JSESSIONID); `header` sticky on that header.',
  },

  ServiceGroup: {
    title: 'ServiceGroup',
    type: 'object',
    description: 'Where matched traffic goes: one or more weighted Services, with optional session affinity.',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    properties: {
      session_affinity_policy: ref('SessionAffinityPolicy'),
      session_affinity_attribute: {
        type: 'string',
        description: 'Cookie or header name for `cookie` / `header` affinity.',
      },
      services: { type: 'array', items: ref('Service'), description: 'The backends.' },
    },
  },

  Source: {
    title: 'Source',
    type: 'object',
    description: 'What created this object: `type: ingress` with the Ingress namespace and name, or legacy `bind`.',
    'x-alb-use': ['ingress-translator', 'proxy-core'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', description: '`ingress` (written by the Ingress translator) or legacy `bind`.' },
      namespace: { type: 'string', description: 'Namespace of the source object.' },
      name: { type: 'string', description: 'Name of the source object.' },
    },
  },

  MatchType: {
    title: 'MatchType',
    type: 'string',
    enum: ['HOST', 'URL', 'METHOD', 'PARAM', 'HEADER', 'COOKIE', 'SRC_IP'],
    description: 'The request attribute a DSLX term reads.',
  },

  DslxOperator: {
    title: 'DslxOperator',
    type: 'string',
    enum: ['EQ', 'IN', 'STARTS_WITH', 'ENDS_WITH', 'REGEX', 'RANGE', 'EXIST', 'PATH_PREFIX', 'CIDR'],
    description:
      "The first element of a DSLX row: ALB's seven operators, plus ours: PATH_PREFIX (URL, segment-aware) and " +
      'CIDR (SRC_IP, IPv4 and IPv6).',
  },

  DslxTerm: {
    title: 'DslxTerm',
    type: 'object',
    description:
      'One DSLX term; all terms of a rule must hold (AND), any row of a term may hold (OR). A row is ' +
      '`[OPERATOR, argument...]` with operators EQ, IN, STARTS_WITH, ENDS_WITH, REGEX, RANGE, EXIST, and ours: ' +
      'PATH_PREFIX (URL, segment-aware) and CIDR (SRC_IP). Checked in full by @alb/dslx.',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    required: ['type', 'values'],
    properties: {
      type: ref('MatchType'),
      key: { type: 'string', description: 'Header, query parameter or cookie name (HEADER, PARAM, COOKIE only).' },
      values: {
        type: 'array',
        description: 'Rows `[DslxOperator, argument...]`, OR-ed.',
        items: { type: 'array', items: { type: 'string' } },
      },
    },
  },

  TimeoutConfig: {
    title: 'TimeoutConfig',
    type: 'object',
    description: 'Upstream timeouts in milliseconds (inherited Rule > Frontend > ALB2).',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    properties: {
      proxy_connect_timeout_ms: milliseconds('Connect timeout (default 5000).'),
      proxy_send_timeout_ms: milliseconds('Timeout between two writes to the upstream (default 120000).'),
      proxy_read_timeout_ms: milliseconds('Timeout between two reads from the upstream (default 120000).'),
    },
  },

  RedirectConfig: {
    title: 'RedirectConfig',
    type: 'object',
    description:
      'Answer with a redirect instead of proxying. With only `url` set, Location is `url`; otherwise ' +
      '`(scheme|$scheme)://(host|$host)[:port](url|$uri)` with prefix_match/replace_prefix applied to the path.',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    properties: {
      code: {
        type: 'integer',
        enum: [0, 301, 302, 303, 307, 308],
        description: 'Status code; absent or 0 means 302 (as ALB).',
      },
      url: { type: 'string', description: 'Target URL, or the path of the Location when scheme/host/port are set.' },
      scheme: { type: 'string', enum: ['', 'http', 'https'], description: 'Scheme of the Location.' },
      host: { type: 'string', description: 'Host of the Location.' },
      port: port('Port of the Location.'),
      prefix_match: { type: 'string', description: 'Path prefix to replace.' },
      replace_prefix: { type: 'string', description: 'Replacement for `prefix_match`.' },
    },
  },

  KeepaliveConfig: {
    title: 'KeepaliveConfig',
    type: 'object',
    description: 'Downstream (client side) keepalive of a Frontend.',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    properties: {
      tcp: {
        type: 'object',
        description: 'TCP keepalive on accepted sockets (http and tcp Frontends).',
        additionalProperties: false,
        properties: {
          idle: nginxTime('Idle time before the first probe (TCP_KEEPIDLE; default 30m when any field is set).'),
          interval: nginxTime('Time between probes (TCP_KEEPINTVL; system default when unset).'),
          count: { type: 'integer', minimum: 0, description: 'Probes before the connection drops (default 10).' },
        },
      },
      http: {
        type: 'object',
        description: 'HTTP keep-alive.',
        additionalProperties: false,
        properties: {
          timeout: nginxTime('How long an idle keep-alive connection stays open (default 75s).'),
          header_timeout: nginxTime('Value of the `Keep-Alive: timeout=` response header (unset by default).'),
          requests: {
            type: 'integer',
            minimum: 0,
            description: 'Requests served on one connection before it closes (default 1000).',
          },
        },
      },
    },
  },

  ForwardAuthConfig: {
    title: 'ForwardAuthConfig',
    type: 'object',
    description: 'Ask an external service (ingress-nginx `auth-url` compatible) before proxying.',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    properties: {
      url: { type: 'string', description: 'Auth service URL; may contain nginx variables such as `$host`.' },
      method: { type: 'string', default: 'GET', description: 'Method of the auth request (default GET).' },
      auth_headers_cm_ref: nsNameRef('ConfigMap whose data are extra headers sent to the auth service.'),
      auth_request_redirect: { type: 'string', description: 'Value of the `X-Auth-Request-Redirect` header.' },
      upstream_headers: stringList('Auth response headers copied to the upstream request.'),
      signin: { type: 'string', description: 'Where a 401 redirects the client to (302) instead of answering 401.' },
      always_set_cookie: {
        type: 'boolean',
        default: false,
        description: 'Also pass `Set-Cookie` from the auth response on non-2xx answers.',
      },
      signin_redirect_param: {
        type: 'string',
        description: 'Query parameter carrying the original URL on the signin redirect (default `rd`).',
      },
    },
  },

  BasicAuthConfig: {
    title: 'BasicAuthConfig',
    type: 'object',
    description: 'HTTP basic auth against an htpasswd-style Secret (apr1 hashes).',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    properties: {
      realm: { type: 'string', description: 'Realm in `WWW-Authenticate`.' },
      secret: nsNameRef('Secret holding the users.'),
      secret_type: {
        type: 'string',
        enum: ['', 'auth-file', 'auth-map'],
        description: '`auth-file`: key `auth` holds `user:$apr1$...` lines; `auth-map`: one key per user.',
      },
      auth_type: { type: 'string', enum: ['', 'basic'], description: 'Only `basic` (digest is not supported).' },
    },
  },

  AuthConfig: {
    title: 'AuthConfig',
    type: 'object',
    description: 'Request authentication; when both are set, basic wins (as ALB).',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    properties: { forward: ref('ForwardAuthConfig'), basic: ref('BasicAuthConfig') },
  },

  OtelConfig: {
    title: 'OtelConfig',
    type: 'object',
    description: 'OpenTelemetry tracing (merged default < ALB2 < Frontend < Rule).',
    'x-alb-use': ['unplanned'],
    additionalProperties: false,
    properties: {
      enable: { type: 'boolean', description: 'Trace requests.' },
      exporter: {
        type: 'object',
        description: 'Where spans go.',
        additionalProperties: false,
        properties: {
          collector: {
            type: 'object',
            description: 'OTLP/HTTP collector.',
            additionalProperties: false,
            required: ['address'],
            properties: {
              address: { type: 'string', description: 'Collector address.' },
              request_timeout: { type: 'integer', minimum: 0, description: 'Export timeout (seconds).' },
            },
          },
          batch_span_processor: {
            type: 'object',
            description: 'Batching of exported spans.',
            additionalProperties: false,
            properties: {
              max_queue_size: { type: 'integer', minimum: 0, description: 'Spans buffered (default 2048).' },
              inactive_timeout: { type: 'integer', minimum: 0, description: 'Flush interval, seconds (default 2).' },
            },
          },
        },
      },
      sampler: {
        type: 'object',
        description: 'Which requests are traced.',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: {
            type: 'string',
            enum: ['always_on', 'always_off', 'parent_base', 'trace_id_ratio'],
            description: 'Sampler (default `always_on`).',
          },
          options: {
            type: 'object',
            description: 'Sampler options.',
            additionalProperties: false,
            properties: {
              parent_name: { type: 'string', description: 'Sampler used for root spans by `parent_base`.' },
              fraction: {
                type: 'string',
                pattern: '^(0(\\.[0-9]+)?|1(\\.0+)?|\\.[0-9]+)$',
                'x-alb-format': 'a number from 0 to 1 written as a string, e.g. "0.1"',
                description: 'Ratio for `trace_id_ratio`, as a string (Kubernetes has no floats).',
              },
            },
          },
        },
      },
      flags: {
        type: 'object',
        description: 'Span content switches.',
        additionalProperties: false,
        properties: {
          hide_upstream_attrs: { type: 'boolean', description: 'Leave upstream attributes out of spans.' },
          report_http_request_header: { type: 'boolean', description: 'Record request headers.' },
          report_http_reqeust_header: {
            type: 'boolean',
            description: 'Misspelt key of older Alauda CRDs; accepted as a synonym of report_http_request_header.',
          },
          report_http_response_header: { type: 'boolean', description: 'Record response headers.' },
          notrust_incoming_span: { type: 'boolean', description: 'Ignore trace context sent by the client.' },
        },
      },
      resource: stringMap('Resource attributes added to every span.'),
    },
  },

  ModsecurityConfig: {
    title: 'ModsecurityConfig',
    type: 'object',
    description: 'ModSecurity WAF (first set of Rule > Frontend > ALB2).',
    'x-alb-use': ['unplanned'],
    additionalProperties: false,
    properties: {
      enable: { type: 'boolean', description: 'Run the WAF.' },
      transactionId: { type: 'string', description: 'ModSecurity transaction id (may use nginx variables).' },
      useCoreRules: { type: 'boolean', description: 'Load the OWASP core rule set.' },
      useRecommend: { type: 'boolean', description: "Load ModSecurity's recommended base config." },
      cmRef: {
        type: 'string',
        pattern: `^(${dnsLabel}/[^/#\\s]+(#\\S+)?)?$`,
        'x-alb-format': '"<namespace>/<configmap>#<key>"',
        description: 'ConfigMap key holding extra rules.',
      },
    },
  },

  SharedConfig: {
    title: 'SharedConfig',
    type: 'object',
    description: 'The configs ALB2, Frontend and Rule share (Alauda `SharedCr`); the most specific one wins.',
    additionalProperties: false,
    properties: {
      otel: ref('OtelConfig'),
      modsecurity: ref('ModsecurityConfig'),
      auth: ref('AuthConfig'),
      timeout: ref('TimeoutConfig'),
    },
  },
};
