// Frontend (crd.alauda.io/v1): one listening port of one ALB.
import type { JsonSchema } from './json-schema.ts';
import { ref } from './json-schema.ts';
import { certificateRef } from './shared.ts';

export const frontendDefs: Record<string, JsonSchema> = {
  Frontend: {
    title: 'Frontend',
    type: 'object',
    description:
      'One listening port of one ALB. Needs the label `alb2.<domain>/name: <alb>` and lives in the ALB namespace; ' +
      'by convention it is named `<alb>-<port as 5 digits>`.',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: {
        type: 'string',
        'x-alb-use': ['k8s'],
        enum: ['crd.alauda.io/v1'],
        description: 'Always `crd.alauda.io/v1`.',
      },
      kind: { type: 'string', enum: ['Frontend'], 'x-alb-use': ['k8s'], description: 'Always `Frontend`.' },
      metadata: ref('ObjectMeta'),
      spec: ref('FrontendSpec'),
      status: ref('FrontendStatus'),
    },
  },

  FrontendProtocol: {
    title: 'FrontendProtocol',
    type: 'string',
    enum: ['http', 'https', 'tcp', 'udp', 'grpc'],
    description:
      '`http`, `https` and `grpc` (TLS when a certificate is set) are L7: Rules route them; `tcp` and `udp` are L4: ' +
      'everything goes to the serviceGroup.',
  },

  FrontendConfig: {
    title: 'FrontendConfig',
    type: 'object',
    description: 'Extensions for every request on this port (Rules override otel, modsecurity, auth and timeout).',
    additionalProperties: false,
    properties: {
      otel: ref('OtelConfig'),
      modsecurity: ref('ModsecurityConfig'),
      auth: ref('AuthConfig'),
      timeout: ref('TimeoutConfig'),
      redirect: ref('RedirectConfig'),
      keepalive: ref('KeepaliveConfig'),
    },
  },

  FrontendSpec: {
    title: 'FrontendSpec',
    type: 'object',
    description: 'The port, its protocol and its default backend.',
    'x-alb-use': ['proxy-core'],
    additionalProperties: false,
    required: ['port', 'protocol'],
    properties: {
      port: {
        type: 'integer',
        format: 'int32',
        minimum: 1,
        maximum: 65535,
        'x-alb-apiserver': true,
        description: 'The port to listen on.',
      },
      protocol: ref('FrontendProtocol'),
      serviceGroup: ref('ServiceGroup'),
      source: ref('Source'),
      certificate_name: certificateRef(
        'Default certificate (a TLS Secret) for https and grpc ports; Rules may add SNI certificates.',
      ),
      backendProtocol: {
        type: 'string',
        description: '`http`, `https` or `grpc` (any case; "" = same as the Frontend) spoken to the backends.',
      },
      config: ref('FrontendConfig'),
    },
  },

  FrontendStatus: {
    title: 'FrontendStatus',
    type: 'object',
    description: 'Written by ALB.',
    'x-alb-use': ['status'],
    additionalProperties: false,
    properties: {
      instances: {
        type: 'object',
        description: 'Port-probe result per ALB pod (Alauda; no prober is planned yet).',
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          properties: {
            conflict: { type: 'boolean', description: 'Another process holds the port on that node.' },
            probeTime: { type: 'integer', format: 'int64', description: 'Unix time of the probe.' },
          },
        },
      },
      conditions: {
        type: 'array',
        description: 'Our extension: `Accepted` says whether the spec is valid, and if not, every problem.',
        items: ref('Condition'),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      },
    },
  },
};
