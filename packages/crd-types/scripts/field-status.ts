// What the field reference says about today: which components exist, and the fields a built component accepts
// but does not honour yet, with what happens instead. The README is generated from this; keep it in step with
// apps/alb-instance (src/policy: every field it reports as ALB_INSTANCE_UNSUPPORTED or refuses is here).
import type { FieldUse } from '../src/schema/json-schema.ts';

/** The components of `x-alb-use` that are built; the others are planned (test/field-status.test.ts checks it). */
export const builtComponents: readonly FieldUse[] = [
  'proxy-core',
  'alb-instance',
  'ingress-translator',
  'operator',
  'admin-api',
];

/** Components that honour fields (the other `x-alb-use` values describe fields, not components). */
export const components: readonly FieldUse[] = [
  'proxy-core',
  'alb-instance',
  'ingress-translator',
  'operator',
  'admin-api',
];

const refused = 'a route that needs it is refused (reported, never served unprotected)';
const noTls = 'TLS is not served';

/**
 * Not honoured yet, by `<Type>.<field path>` (a path also covers the fields under it) or by `<Type>` (said once
 * above that type's table, and on every field of that type elsewhere).
 */
export const notYet: Readonly<Record<string, string>> = {
  AuthConfig: refused,
  ForwardAuthConfig: refused,
  BasicAuthConfig: refused,
  ModsecurityConfig: 'a route that enables it is refused (reported, never served unprotected)',
  OtelConfig: 'reported when enabled; requests are served untraced',
  'Alb2Status.detail.alb': 'not written (no port probe)',
  'FrontendStatus.instances': 'not written (no port probe)',
  'FrontendSpec.protocol':
    '`http`, `tcp` and `udp` are served: an https or grpc Frontend is reported and its port not opened',
  'FrontendSpec.certificate_name': noTls,
  'FrontendSpec.backendProtocol': '`grpc` is refused (the route is not served)',
  'RuleSpec.backendProtocol': '`grpc` is refused (the route is not served)',
  'RuleSpec.certificate_name': noTls,
  'RuleSpec.domain': `${noTls} (it selects a certificate)`,
  'KeepaliveConfig.tcp':
    'tcp Frontends: `idle` applied, `interval` and `count` reported as not applied; http Frontends: reported as not applied',
  'KeepaliveConfig.http.header_timeout': 'reported as not applied',
  'Alb2Config.enableALb': 'not read: Frontends and Rules are always served',
  'Alb2Config.portProjects':
    'the operator writes the port-info ConfigMap; alb-instance does not rewrite Frontend project labels per port range; the admin API and its admission policy keep Frontends inside their segments',
  'Alb2Config.enableIPV6': 'not read: listeners bind to `--bind`',
  'Alb2Config.enableHTTP2': 'HTTP/2 is not served',
  'Alb2Config.enablePrometheus': 'not read: `/metrics` is always on the ops port',
  'Alb2Config.resyncPeriod': 'not read: Ingresses are translated on every change',
  'Alb2Config.backlog': 'not read: listeners use a backlog of 4096',
};

/** The note for a field of `type` at `path` (dotted) whose own type is `named` (or null), or null. */
export function notYetFor(type: string, path: string, named: string | null): string | null {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const note = notYet[`${type}.${parts.slice(0, n).join('.')}`];
    if (note !== undefined) return note;
  }
  return (named === null ? undefined : notYet[named]) ?? null;
}
