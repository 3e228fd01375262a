// ALB2 (crd.alauda.io v2beta1 stored, v2 and deprecated v1 served, one schema): one load balancer.
import type { JsonSchema } from './json-schema.ts';
import { ref, stringList, stringMap } from './json-schema.ts';
import { certificateRef } from './shared.ts';

const stringBool = (description: string, use: JsonSchema['x-alb-use']): JsonSchema => ({
  type: 'string',
  enum: ['true', 'false'],
  description: `${description} A string: "true" or "false".`,
  'x-alb-use': use,
});

const seconds = (description: string, use: JsonSchema['x-alb-use']): JsonSchema => ({
  type: 'integer',
  minimum: 0,
  description,
  'x-alb-use': use,
});

const cpuMemory = (description: string): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties: {
    cpu: { type: 'string', description: 'CPU quantity, e.g. "2" or "500m".' },
    memory: { type: 'string', description: 'Memory quantity, e.g. "2Gi".' },
  },
});

const limitsRequests = (what: string): Record<string, JsonSchema> => ({
  limits: cpuMemory(`Limits of the ${what}.`),
  requests: cpuMemory(`Requests of the ${what}.`),
});

const ignoredIngressRuntime = 'Tunes the nginx/Go runtime of Alauda ALB, which this implementation does not have.';

export const alb2Defs: Record<string, JsonSchema> = {
  Alb2: {
    title: 'Alb2',
    type: 'object',
    description: 'One load balancer: the operator runs it as a Deployment; Frontends and Rules attach to it.',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata'],
    properties: {
      apiVersion: {
        type: 'string',
        'x-alb-use': ['k8s'],
        enum: ['crd.alauda.io/v2beta1', 'crd.alauda.io/v2', 'crd.alauda.io/v1'],
        description: '`crd.alauda.io/v2beta1` (stored) or `v2` (same schema); `v1` is deprecated.',
      },
      kind: { type: 'string', enum: ['ALB2'], 'x-alb-use': ['k8s'], description: 'Always `ALB2`.' },
      metadata: ref('ObjectMeta'),
      spec: ref('Alb2Spec'),
      status: ref('Alb2Status'),
    },
  },

  Alb2Spec: {
    title: 'Alb2Spec',
    type: 'object',
    description: 'Address, type and configuration of the load balancer.',
    additionalProperties: false,
    properties: {
      address: {
        type: 'string',
        'x-alb-use': ['alb-instance', 'display'],
        description:
          'Comma-separated IPs or host names of the load balancer, written to Ingress `status.loadBalancer` ' +
          '(merged with the addresses the operator finds).',
      },
      type: {
        type: 'string',
        enum: ['nginx'],
        'x-alb-apiserver': true,
        'x-alb-use': ['ignored'],
        description: 'Always `nginx` (Alauda requires it); it selects nothing here.',
      },
      config: ref('Alb2Config'),
      bind_address: { type: 'string', 'x-alb-use': ['ignored'], description: 'Deprecated v1 field.' },
      domains: stringList('Deprecated v1 field.', { 'x-alb-use': ['ignored'] }),
      iaas_id: { type: 'string', 'x-alb-use': ['ignored'], description: 'Deprecated v1 field.' },
    },
  },

  Alb2Config: {
    title: 'Alb2Config',
    type: 'object',
    description:
      'Deployment and behaviour settings, all optional (operator defaults apply). Open: unknown keys are kept, ' +
      'as in Alauda ALB.',
    additionalProperties: true,
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      loadbalancerName: {
        type: 'string',
        'x-alb-use': ['ignored'],
        description: 'Legacy; ALB forces it to `metadata.name`.',
      },
      loadbalancerType: { type: 'string', 'x-alb-use': ['ignored'], description: 'Legacy; read by nothing.' },
      ingressController: { type: 'string', 'x-alb-use': ['ignored'], description: 'Legacy; read by nothing.' },
      networkMode: {
        type: 'string',
        enum: ['host', 'container'],
        'x-alb-use': ['operator'],
        description:
          '`host` (default): host network and one instance per node; `container`: pod network (use with vip).',
      },
      replicas: { type: 'integer', minimum: 0, 'x-alb-use': ['operator'], description: 'Instances (default 3).' },
      nodeSelector: stringMap('Node selector of the instances.', { 'x-alb-use': ['operator'] }),
      vip: {
        type: 'object',
        description: 'A LoadBalancer Service in front of the instances.',
        'x-alb-use': ['operator', 'alb-instance'],
        additionalProperties: false,
        properties: {
          enableLbSvc: {
            type: 'boolean',
            description:
              'Container mode: expose the Frontends through a LoadBalancer Service (`<alb>-lb`; Alauda: ' +
              '`<alb>-lb-<random>`), else a NodePort one; its ports are kept equal to the Frontends.',
          },
          lbSvcIpFamilyPolicy: {
            type: 'string',
            enum: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
            description: 'Its ipFamilyPolicy (default PreferDualStack).',
          },
          allocateLoadBalancerNodePorts: { type: 'boolean', description: 'Its allocateLoadBalancerNodePorts.' },
          lbSvcAnnotations: stringMap('Its annotations (cloud LB settings).'),
        },
      },
      enableALb: {
        type: 'boolean',
        'x-alb-use': ['alb-instance'],
        description: 'Serve Frontends and Rules (default true; false only for a pure Gateway API ALB).',
      },
      enableIngress: stringBool('Run the Ingress translator and create the IngressClass (default "true").', [
        'operator',
        'alb-instance',
      ]),
      defaultIngressClass: {
        type: 'boolean',
        'x-alb-use': ['operator'],
        description: "Mark the ALB's IngressClass as the cluster default.",
      },
      ingressHTTPPort: {
        type: 'integer',
        minimum: 0,
        maximum: 65535,
        'x-alb-use': ['ingress-translator'],
        description: 'Port of the Frontend the Ingress translator uses for http (default 80; 0 disables).',
      },
      ingressHTTPSPort: {
        type: 'integer',
        minimum: 0,
        maximum: 65535,
        'x-alb-use': ['ingress-translator'],
        description: 'Port of the Frontend the Ingress translator uses for https (default 443; 0 disables).',
      },
      defaultSSLStrategy: {
        type: 'string',
        enum: ['Never', 'Request', 'Always', 'Both'],
        'x-alb-use': ['ingress-translator'],
        description: 'When an Ingress host without TLS also gets the https Frontend (default Never).',
      },
      defaultSSLCert: {
        ...certificateRef('Certificate of the https Frontend the Ingress translator creates.'),
        'x-alb-use': ['ingress-translator'],
      },
      ingressSSLRedirect: {
        type: 'boolean',
        'x-alb-use': ['ingress-translator'],
        description: 'The Ingress http Frontend redirects everything to https (308).',
      },
      projects: stringList('Projects served (`ALL_ALL` = every namespace, labelled or not).', {
        'x-alb-use': ['ingress-translator', 'operator', 'admin-api'],
      }),
      enablePortProject: {
        type: 'boolean',
        'x-alb-use': ['operator', 'alb-instance', 'admin-api'],
        description: 'Port-project mode: projects own port ranges (`portProjects`) instead of the whole ALB.',
      },
      portProjects: {
        type: 'string',
        'x-alb-use': ['operator', 'alb-instance', 'admin-api'],
        description: 'JSON string: `[{"port":"113-333","projects":["p1"]}]`; ranges are inclusive.',
      },
      gateway: {
        type: 'object',
        description: 'Gateway API mode.',
        'x-alb-use': ['unplanned'],
        additionalProperties: false,
        properties: {
          enable: { type: 'boolean', description: 'Shared Gateway mode.' },
          mode: { type: 'string', enum: ['shared', 'standalone'], description: 'Gateway mode.' },
          name: { type: 'string', description: 'GatewayClass (shared) or Gateway (standalone) name.' },
        },
      },
      resources: {
        type: 'object',
        description: 'Container resources of the instances.',
        'x-alb-use': ['operator'],
        additionalProperties: false,
        properties: {
          ...limitsRequests('proxy container'),
          alb: {
            type: 'object',
            description:
              'Resources of the controller container: Alauda runs two containers; here the instance is one, and ' +
              '`resources` apply to it.',
            'x-alb-use': ['ignored'],
            additionalProperties: false,
            properties: limitsRequests('controller container'),
          },
        },
      },
      metricsPort: {
        type: 'integer',
        minimum: 1,
        maximum: 65535,
        'x-alb-use': ['operator'],
        description: 'Ops port: /metrics, /healthz, /readyz (default 1936).',
      },
      enablePortprobe: stringBool('Detect host ports held by other processes.', ['unplanned']),
      enableIPV6: stringBool('Listen on IPv6 too (default "true").', ['proxy-core']),
      enableHTTP2: stringBool('Offer HTTP/2 on TLS ports (default "true").', ['proxy-core']),
      enableGzip: stringBool('Compress responses (default "true").', ['unplanned']),
      enablePrometheus: stringBool('Serve /metrics (default "true").', ['alb-instance']),
      enableCrossClusters: stringBool('Route to Submariner cross-cluster EndpointSlices.', ['ignored']),
      enableGoMonitor: { type: 'boolean', 'x-alb-use': ['ignored'], description: ignoredIngressRuntime },
      enableProfile: { type: 'boolean', 'x-alb-use': ['ignored'], description: ignoredIngressRuntime },
      goMonitorPort: { type: 'integer', 'x-alb-use': ['ignored'], description: ignoredIngressRuntime },
      workerLimit: {
        type: 'integer',
        minimum: 1,
        'x-alb-use': ['operator'],
        description: 'Upper bound of worker processes per instance (default 8).',
      },
      resyncPeriod: seconds('Full Ingress resync period, seconds (default 300).', ['ingress-translator']),
      interval: seconds('Config-generation period, seconds. We rebuild on change instead.', ['ignored']),
      reloadtimeout: seconds('nginx reload timeout, seconds. There is no nginx reload here.', ['ignored']),
      syncPolicyInterval: seconds('Policy-file poll period. There is no policy file here.', ['ignored']),
      cleanMetricsInterval: seconds('Period of metrics cleanup, seconds.', ['unplanned']),
      backlog: {
        type: 'integer',
        minimum: 0,
        'x-alb-use': ['proxy-core'],
        description: 'Listen backlog (default 2048).',
      },
      maxTermSeconds: seconds('Grace period for draining on shutdown (default 30).', ['operator', 'alb-instance']),
      policyZip: { type: 'boolean', 'x-alb-use': ['ignored'], description: 'Compress the policy file; there is none.' },
      antiAffinityKey: {
        type: 'string',
        'x-alb-use': ['operator'],
        description: 'Value of the pod label `alb2.<domain>/type` used for anti-affinity (default "local").',
      },
      bindNIC: {
        type: 'string',
        'x-alb-use': ['unplanned'],
        description: 'JSON string `{"nic":["eth0"]}`: listen only on these interfaces\' addresses.',
      },
      readonlyFS: {
        type: 'boolean',
        'x-alb-use': ['operator'],
        description: 'readOnlyRootFilesystem for the containers (default true).',
      },
      overwrite: {
        type: 'object',
        description: 'Image and config overrides.',
        'x-alb-use': ['operator'],
        additionalProperties: false,
        properties: {
          image: {
            type: 'array',
            description: 'Image overrides; the first whose `target` matches the version (or is empty) wins.',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                target: { type: 'string', description: 'Version this applies to ("" = any).' },
                alb: { type: 'string', description: 'Image of the instance.' },
                nginx: {
                  type: 'string',
                  'x-alb-use': ['ignored'],
                  description: 'Image of the nginx container; there is none here.',
                },
              },
            },
          },
          configmap: {
            type: 'array',
            description: 'nginx tweak ConfigMaps (`ns/name`); there is no nginx here.',
            'x-alb-use': ['ignored'],
            items: {
              type: 'object',
              additionalProperties: false,
              properties: {
                target: { type: 'string', description: 'Version this applies to.' },
                name: { type: 'string', description: 'ConfigMap `ns/name`.' },
              },
            },
          },
        },
      },
      otel: ref('OtelConfig'),
      modsecurity: ref('ModsecurityConfig'),
      auth: ref('AuthConfig'),
      timeout: ref('TimeoutConfig'),
    },
  },

  Alb2Status: {
    title: 'Alb2Status',
    type: 'object',
    description: 'Written by the operator (state, deploy, address, version) and the ALB leader (port status).',
    'x-alb-use': ['status'],
    additionalProperties: false,
    properties: {
      state: {
        type: 'string',
        enum: ['Running', 'Progressing', 'Pending', 'Warning'],
        description: 'Overall state.',
      },
      reason: { type: 'string', description: 'Why, when not Running.' },
      probeTime: { type: 'integer', format: 'int64', description: 'Unix time of the last update.' },
      probeTimeStr: { type: 'string', format: 'date-time', description: 'The same as RFC 3339.' },
      observedGeneration: {
        type: 'integer',
        format: 'int64',
        description: 'Our extension: the `metadata.generation` the operator last acted on.',
      },
      conditions: {
        type: 'array',
        description: 'Our extension (operator): `Ready`, `Progressing`, `Degraded` (invalid spec, failed rollout).',
        items: ref('Condition'),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      },
      detail: {
        type: 'object',
        description: 'Per-writer details.',
        additionalProperties: false,
        properties: {
          deploy: {
            type: 'object',
            description: 'Deployment state (operator).',
            additionalProperties: false,
            properties: {
              state: { type: 'string', description: 'Deployment state: Pending, Progressing, Running or Error.' },
              reason: { type: 'string', description: 'Why.' },
              probeTimeStr: { type: 'string', format: 'date-time', description: 'When.' },
            },
          },
          address: {
            type: 'object',
            description: 'Addresses found by the operator.',
            additionalProperties: false,
            properties: {
              ok: { type: 'boolean', description: 'Addresses were found.' },
              msg: { type: 'string', description: 'Addresses as text (printed by kubectl).' },
              ipv4: stringList('IPv4 addresses.'),
              ipv6: stringList('IPv6 addresses.'),
              host: stringList('Host names.'),
            },
          },
          version: {
            type: 'object',
            description: 'Running version (operator).',
            additionalProperties: false,
            properties: {
              version: { type: 'string', description: 'Version.' },
              imagePatch: { type: 'string', description: 'Image override in effect.' },
            },
          },
          alb: {
            type: 'object',
            description: 'Set by the ALB leader.',
            additionalProperties: false,
            properties: {
              portstatus: {
                type: 'object',
                description: 'Port conflicts keyed `<protocol>-<port>`.',
                additionalProperties: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    conflict: { type: 'boolean', description: 'The port is taken on some node.' },
                    msg: { type: 'string', description: 'Details.' },
                    probeTimeStr: { type: 'string', format: 'date-time', description: 'When.' },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
