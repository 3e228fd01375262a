import { annotations, type Alb2, type Frontend, type TimeoutConfig as CrdTimeout } from '@alb/crd-types';
import type { BackendGroupConfig, ListenerConfig, StreamConfig } from '@alb/proxy-core';
import { diagnosticCodes, type Diagnostic } from '../diagnostics.ts';
import type { KubeObject } from '../objects/kube-object.ts';
import { parseDuration } from './durations.ts';
import type { ServiceIndex } from './service-backends.ts';

export type StreamListenerContext = {
  alb: Alb2 | null;
  domain: string;
  services: ServiceIndex;
  groups: BackendGroupConfig[];
  owner: Diagnostic['object'];
  report: (d: Diagnostic) => void;
};

/**
 * A `tcp` or `udp` Frontend as a data-plane listener. ALB routes L4 by port only: every connection goes to the
 * Frontend's serviceGroup (Rules do not apply), balanced round robin or by `sip-hash`. Timeouts come from the
 * Frontend's `config.timeout`, else the ALB2's: `proxy_connect_timeout_ms` is the connect timeout, the larger of
 * `proxy_read_timeout_ms` and `proxy_send_timeout_ms` the idle timeout (nginx `stream` has one `proxy_timeout`).
 * What does not apply to L4 is reported on the Frontend or Rule, never silently dropped.
 */
export function buildStreamListener(
  frontend: Frontend,
  protocol: 'tcp' | 'udp',
  ruleObjects: readonly KubeObject[],
  ctx: StreamListenerContext,
): ListenerConfig {
  const { owner, report } = ctx;
  const warn = (object: Diagnostic['object'], code: string, field: string, message: string) =>
    report({ object, severity: 'warning', code, field, message });
  for (const rule of ruleObjects) {
    const ruleOwner: Diagnostic['object'] = { kind: 'Rule', name: rule.metadata.name };
    if (rule.metadata.namespace !== undefined) ruleOwner.namespace = rule.metadata.namespace;
    warn(
      ruleOwner,
      diagnosticCodes.unsupported,
      'spec',
      `Frontend ${frontend.metadata.name} is ${protocol}: L4 Frontends route by port to their serviceGroup, Rules do not apply; this Rule is ignored`,
    );
  }
  const config = frontend.spec.config;
  for (const field of ['redirect', 'auth', 'modsecurity', 'otel', 'keepalive.http'] as const) {
    const value = field === 'keepalive.http' ? config?.keepalive?.http : config?.[field];
    if (value !== undefined)
      warn(
        owner,
        diagnosticCodes.unsupported,
        `spec.config.${field}`,
        `does not apply to ${protocol} Frontends; ignored`,
      );
  }
  const keepaliveIdleMs = tcpKeepalive(frontend, protocol, ctx);

  let defaultBackend: ListenerConfig['defaultBackend'] = null;
  const serviceGroup = frontend.spec.serviceGroup;
  // Without a serviceGroup (@alb/crd-types already warns) connections are closed at once.
  if (serviceGroup !== undefined) {
    const groupName = `Frontend:${frontend.metadata.namespace}/${frontend.metadata.name}`;
    const group = ctx.services.resolve(groupName, serviceGroup, owner, 'spec.serviceGroup', report);
    if (group.policy === 'cookie' || group.policy === 'header') {
      warn(
        owner,
        diagnosticCodes.unsupported,
        'spec.serviceGroup.session_affinity_policy',
        `${group.policy} affinity needs HTTP; ${protocol} connections are balanced round robin (sip-hash keeps a client on one endpoint)`,
      );
      ctx.groups.push({ ...group, policy: 'round-robin', affinityAttribute: null });
    } else {
      ctx.groups.push(group);
    }
    defaultBackend = { backendGroup: groupName };
  }

  const timeouts = streamTimeouts([config?.timeout, ctx.alb?.spec?.config?.timeout], owner, report);
  const options = streamAnnotations(frontend, protocol, ctx);
  return {
    port: frontend.spec.port,
    protocol,
    rules: [],
    defaultBackend,
    stream:
      timeouts === null && options === null && keepaliveIdleMs === null
        ? null
        : { ...timeouts, ...options, ...(keepaliveIdleMs === null ? {} : { keepaliveIdleMs }) },
  };
}

/**
 * `config.keepalive.tcp` (ALB: `listen ... so_keepalive=<idle|30m>:<interval>:<count|10>`, or `so_keepalive=on`
 * when every field is empty) as the keepalive idle time of client connections; 0 keeps the system's. Node sets
 * only the idle time, so `interval` and `count` are reported as not applied.
 */
function tcpKeepalive(frontend: Frontend, protocol: 'tcp' | 'udp', ctx: StreamListenerContext): number | null {
  const tcp = frontend.spec.config?.keepalive?.tcp;
  if (tcp === undefined) return null;
  const report = (code: string, field: string, message: string) =>
    ctx.report({ object: ctx.owner, severity: 'warning', code, field, message });
  if (protocol !== 'tcp') {
    report(diagnosticCodes.unsupported, 'spec.config.keepalive.tcp', 'does not apply to udp Frontends; ignored');
    return null;
  }
  if (tcp.interval !== undefined || tcp.count !== undefined)
    report(
      diagnosticCodes.unsupported,
      'spec.config.keepalive.tcp',
      'interval and count are not applied (only the idle time is); the system values are used',
    );
  if (tcp.idle === undefined && tcp.interval === undefined && tcp.count === undefined) return 0;
  const idleMs = parseDuration(tcp.idle ?? '30m');
  if (idleMs === null) {
    report(
      diagnosticCodes.invalidObject,
      'spec.config.keepalive.tcp.idle',
      `${JSON.stringify(tcp.idle)} is not a duration like 30m; 30m is used`,
    );
    return 30 * 60_000;
  }
  return idleMs;
}

/**
 * Our annotations for what ALB's CRDs cannot say: `alb.frontend.<domain>/proxy-protocol: v2` (tcp) and
 * `alb.frontend.<domain>/udp-responses: <n>` (udp). A bad value is reported and ignored.
 */
function streamAnnotations(
  frontend: Frontend,
  protocol: 'tcp' | 'udp',
  ctx: StreamListenerContext,
): Pick<StreamConfig, 'proxyProtocol' | 'udpResponses'> | null {
  const keys = annotations(ctx.domain);
  const values = frontend.metadata.annotations ?? {};
  const out: Pick<StreamConfig, 'proxyProtocol' | 'udpResponses'> = {};
  const bad = (key: string, message: string) =>
    ctx.report({
      object: ctx.owner,
      severity: 'warning',
      code: diagnosticCodes.badAnnotation,
      field: `metadata.annotations["${key}"]`,
      message: `${message}; ignored`,
    });
  const proxyProtocol = values[keys.frontendProxyProtocol];
  if (proxyProtocol !== undefined) {
    if (protocol !== 'tcp') bad(keys.frontendProxyProtocol, 'the PROXY protocol is sent by tcp Frontends only');
    else if (proxyProtocol !== 'v2') bad(keys.frontendProxyProtocol, `${JSON.stringify(proxyProtocol)} is not "v2"`);
    else out.proxyProtocol = 'v2';
  }
  const responses = values[keys.frontendUdpResponses];
  if (responses !== undefined) {
    if (protocol !== 'udp') bad(keys.frontendUdpResponses, 'replies are counted on udp Frontends only');
    else if (!/^[1-9][0-9]{0,5}$/.test(responses))
      bad(keys.frontendUdpResponses, `${JSON.stringify(responses)} is not a whole number from 1 to 999999`);
    else out.udpResponses = Number(responses);
  }
  return Object.keys(out).length === 0 ? null : out;
}

/** Frontend before ALB2, field by field; 0 (which nginx would take as "no time at all") keeps the default. */
function streamTimeouts(
  levels: Array<CrdTimeout | undefined>,
  owner: Diagnostic['object'],
  report: (d: Diagnostic) => void,
): StreamConfig | null {
  const pick = (field: keyof CrdTimeout): number | null => {
    const value = levels.find((l) => l?.[field] !== undefined)?.[field];
    if (value === undefined) return null;
    if (value > 0) return value;
    report({
      object: owner,
      severity: 'warning',
      code: diagnosticCodes.invalidObject,
      field: `spec.config.timeout.${field}`,
      message: '0 (here or on the ALB2) is not a usable timeout; the default applies',
    });
    return null;
  };
  const connectTimeoutMs = pick('proxy_connect_timeout_ms');
  const read = pick('proxy_read_timeout_ms');
  const send = pick('proxy_send_timeout_ms');
  const idleTimeoutMs = read === null ? send : send === null ? read : Math.max(read, send);
  if (connectTimeoutMs === null && idleTimeoutMs === null) return null;
  return { connectTimeoutMs, idleTimeoutMs };
}
