export { albAddresses, albSettings, allProjects } from './alb-settings.ts';
export type { AlbSettings } from './alb-settings.ts';
export {
  albIngressAnnotations,
  nginxAnnotations,
  otherAnnotations,
  unsupportedNginxAnnotations,
} from './annotation-keys.ts';
export { parseTimeoutMs } from './annotation-values.ts';
export type { Diagnostic } from './diagnostics.ts';
export { AlbError, diagnosticCodes, errorCodes } from './errors.ts';
export type { DiagnosticCode } from './errors.ts';
export { sslRedirectMarker } from './frontends.ts';
export type { IngressLoadBalancerIngress, IngressPortStatus, IngressStatus } from './ingress-status.ts';
export type {
  HttpIngressPath,
  Ingress,
  IngressBackend,
  IngressClass,
  IngressRule,
  IngressTls,
  KubeObjectMeta,
  Namespace,
  Service,
  ServiceBackendPort,
  ServicePort,
} from './kube-types.ts';
export { pathMatch, searchableDsl } from './path-match.ts';
export { frontendProjects, serves } from './projects.ts';
export { ruleName } from './rule-name.ts';
export { translateIngresses } from './translate.ts';
export type { TranslateInput, TranslateOutput } from './translate.ts';
