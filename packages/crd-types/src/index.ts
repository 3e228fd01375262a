export { acceptedCondition, conditionReasons, conditionTypes } from './conditions.ts';
export { parsePortProjects } from './checks.ts';
export type { PortProject } from './checks.ts';
export { AlbError, errorCodes, issueCodes, warningCodes } from './errors.ts';
export type { IssueCode } from './errors.ts';
export { frontendName, parseFrontendName } from './frontend-name.ts';
export type {
  Alb2,
  Alb2Config,
  Alb2Spec,
  Alb2Status,
  AuthConfig,
  BasicAuthConfig,
  Condition,
  DslxOperator,
  DslxTerm,
  ForwardAuthConfig,
  Frontend,
  FrontendConfig,
  FrontendProtocol,
  FrontendSpec,
  FrontendStatus,
  KeepaliveConfig,
  MatchType,
  ModsecurityConfig,
  ObjectMeta,
  OtelConfig,
  RedirectConfig,
  Rule,
  RuleConfig,
  RuleSpec,
  RuleStatus,
  Service,
  ServiceGroup,
  SessionAffinityPolicy,
  SharedConfig,
  Source,
  TimeoutConfig,
} from './generated/types.ts';
export { handledKeywords, issueFromAjv } from './issues.ts';
export type { AjvError, Severity, ValidationIssue } from './issues.ts';
export {
  annotations,
  defaultDomain,
  indexedIngressPrefix,
  ingressRulePriorityAnnotation,
  labels,
  labelValue,
  projectLabel,
} from './labels.ts';
export {
  backendProtocols,
  frontendProtocols,
  isL4Protocol,
  isL7Protocol,
  l4Protocols,
  l7Protocols,
  matchTypes,
  normalizeBackendProtocol,
  sessionAffinityPolicies,
} from './protocols.ts';
export type { BackendProtocol } from './protocols.ts';
export { rootTypes, schemaDefs, schemaDocument } from './schema/document.ts';
export { vendorKeywords } from './schema/json-schema.ts';
export type { FieldUse, JsonSchema } from './schema/json-schema.ts';
export {
  formatIssue,
  hasErrors,
  parseAlb2,
  parseFrontend,
  parseRule,
  validateAlb2,
  validateFrontend,
  validateRule,
} from './validate.ts';
export type { Parsed, ValidateOptions } from './validate.ts';
