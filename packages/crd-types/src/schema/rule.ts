// Rule (crd.alauda.io/v1): how an L7 request on a Frontend's port is matched (DSLX) and where it goes.
import type { JsonSchema } from './json-schema.ts';
import { ref } from './json-schema.ts';
import { certificateRef } from './shared.ts';

export const ruleDefs: Record<string, JsonSchema> = {
  Rule: {
    title: 'Rule',
    type: 'object',
    description:
      'An L7 routing rule of one Frontend. Needs the labels `alb2.<domain>/name: <alb>` and ' +
      '`alb2.<domain>/frontend: <frontend>` and lives in the ALB namespace.',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: {
        type: 'string',
        'x-alb-use': ['k8s'],
        enum: ['crd.alauda.io/v1'],
        description: 'Always `crd.alauda.io/v1`.',
      },
      kind: { type: 'string', enum: ['Rule'], 'x-alb-use': ['k8s'], description: 'Always `Rule`.' },
      metadata: ref('ObjectMeta'),
      spec: ref('RuleSpec'),
      status: ref('RuleStatus'),
    },
  },

  RuleConfig: {
    title: 'RuleConfig',
    type: 'object',
    description: 'Extensions for requests this rule matches (they override the Frontend and ALB2 ones).',
    additionalProperties: false,
    properties: {
      otel: ref('OtelConfig'),
      modsecurity: ref('ModsecurityConfig'),
      auth: ref('AuthConfig'),
      timeout: ref('TimeoutConfig'),
      redirect: ref('RedirectConfig'),
    },
  },

  RuleSpec: {
    title: 'RuleSpec',
    type: 'object',
    description: 'Match (dslx), order (priority), destination (serviceGroup) and actions.',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    required: ['dslx'],
    properties: {
      priority: {
        type: 'integer',
        description:
          'Lower runs first; ties go to the more specific dslx, then the longer one, then the name. Documented ' +
          'as 1-10 but any integer works (ALB does not check it; the Ingress translator writes 5 by default).',
      },
      dslx: {
        type: 'array',
        description: 'The match: every term must hold. A Rule without dslx never matches (ALB skips it too).',
        items: ref('DslxTerm'),
      },
      dsl: {
        type: 'string',
        'x-alb-use': ['display'],
        description: 'Legacy S-expression form; shown by `kubectl get` and searched by UIs, never matched.',
      },
      serviceGroup: ref('ServiceGroup'),
      certificate_name: certificateRef('SNI certificate (a TLS Secret) for `domain` on https Frontends.'),
      domain: { type: 'string', description: 'Host the `certificate_name` is served for.' },
      config: ref('RuleConfig'),
      description: {
        type: 'string',
        'x-alb-use': ['display'],
        description: 'Free text; the Ingress translator writes `<ns>/<ingress>:<port>:<path index>`.',
      },
      type: {
        type: 'string',
        'x-alb-use': ['ignored'],
        description: 'Deprecated in ALB and read by nothing.',
      },
      url: {
        type: 'string',
        description: 'The path this rule was made for; the regex rewritten when `rewrite_base` is empty.',
      },
      rewrite_base: {
        type: 'string',
        description: 'Regex matched against the path for `rewrite_target` (`.*` replaces the whole path).',
      },
      rewrite_target: { type: 'string', description: 'Replacement for the first match of `rewrite_base`.' },
      enableCORS: { type: 'boolean', description: 'Answer CORS preflights and add CORS headers.' },
      corsAllowHeaders: {
        type: 'string',
        description: 'Access-Control-Allow-Headers (comma list; ALB has a default list).',
      },
      corsAllowOrigin: { type: 'string', description: 'Allowed origins (comma list; empty = `*`).' },
      backendProtocol: {
        type: 'string',
        description: '`http`, `https` or `grpc` (any case; "" = the Frontend protocol) spoken to the backends.',
      },
      vhost: { type: 'string', description: 'Host header sent to the upstream.' },
      redirectURL: { type: 'string', description: 'Legacy redirect target; overrides `config.redirect.url`.' },
      redirectCode: {
        type: 'integer',
        enum: [0, 301, 302, 303, 307, 308],
        description: 'Legacy redirect code; overrides `config.redirect.code` (0 = unset).',
      },
      source: ref('Source'),
    },
  },

  RuleStatus: {
    title: 'RuleStatus',
    type: 'object',
    description: 'Our extension (Alauda Rules have no status). Written by ALB.',
    'x-alb-use': ['status'],
    additionalProperties: false,
    properties: {
      conditions: {
        type: 'array',
        description: '`Accepted` says whether the spec is valid, and if not, every problem.',
        items: ref('Condition'),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      },
    },
  },
};
