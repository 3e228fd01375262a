export { spreadServiceWeights } from './balancer/service-weights.ts';
export type { WeightedService } from './balancer/service-weights.ts';
export { checkUsers, parseHtpasswd } from './auth/htpasswd.ts';
export type { HtpasswdUsers } from './auth/htpasswd.ts';
export type {
  AuthConfig,
  BackendGroupConfig,
  BasicAuthConfig,
  BalancePolicy,
  CertificateConfig,
  ClientKeepaliveConfig,
  CorsConfig,
  DataPlaneConfig,
  EndpointConfig,
  ForwardAuthConfig,
  ListenerConfig,
  ListenerProtocol,
  ListenerTlsConfig,
  RedirectConfig,
  RequestHeaderRewrite,
  ResponseHeaderRewrite,
  RewriteConfig,
  RouteConfig,
  RuleConfig,
  StreamConfig,
  TimeoutConfig,
  TracingConfig,
  TracingSampler,
} from './config.ts';
export { defaultMaxConnections, Engine } from './engine.ts';
export type { ApplyResult, EngineOptions } from './engine.ts';
export { AlbError, ConfigError, errorCodes } from './errors.ts';
export { defaultLimits } from './http/limits.ts';
export type { HttpLimits } from './http/limits.ts';
export { mergeStats, renderPrometheus } from './metrics.ts';
export type { StatsSnapshot } from './metrics.ts';
export type { Logger } from './proxy/listener-context.ts';
export type { RouteIssue } from './router/route.ts';
export { checkCertificate } from './tls/certificate-check.ts';
export type { CertificateProblem } from './tls/certificate-check.ts';
export { createDataPlane } from './data-plane.ts';
export type { DataPlane, DataPlaneOptions } from './data-plane.ts';
export { exposedGc, MemoryTrimmer } from './worker/memory-trim.ts';
export type { GcFunction, MemoryTrimOptions, TrimClock, TrimReport } from './worker/memory-trim.ts';
