import { AlbError } from '@alb/dslx';

export { AlbError };

/**
 * Codes of the diagnostics `translateIngresses` returns (each becomes an Event on the Ingress). Stable; each one is
 * documented in the README.
 */
export const diagnosticCodes = {
  invalid: 'ALB_INGRESS_INVALID',
  badAnnotation: 'ALB_INGRESS_BAD_ANNOTATION',
  unsupportedAnnotation: 'ALB_INGRESS_UNSUPPORTED_ANNOTATION',
  annotationConflict: 'ALB_INGRESS_ANNOTATION_CONFLICT',
  badAuth: 'ALB_INGRESS_BAD_AUTH',
  backendProtocol: 'ALB_INGRESS_BACKEND_PROTOCOL',
  badHost: 'ALB_INGRESS_BAD_HOST',
  badPath: 'ALB_INGRESS_BAD_PATH',
  unsupportedBackend: 'ALB_INGRESS_UNSUPPORTED_BACKEND',
  serviceNotFound: 'ALB_INGRESS_SERVICE_NOT_FOUND',
  portNotFound: 'ALB_INGRESS_PORT_NOT_FOUND',
  noFrontend: 'ALB_INGRESS_NO_FRONTEND',
  frontendConflict: 'ALB_INGRESS_FRONTEND_CONFLICT',
  defaultBackendConflict: 'ALB_INGRESS_DEFAULT_BACKEND_CONFLICT',
  defaultBackendIgnored: 'ALB_INGRESS_DEFAULT_BACKEND_IGNORED',
  projectNotServed: 'ALB_INGRESS_PROJECT_NOT_SERVED',
  portProjectFrontends: 'ALB_INGRESS_PORT_PROJECT_FRONTENDS',
} as const;

export type DiagnosticCode = (typeof diagnosticCodes)[keyof typeof diagnosticCodes];

/** Codes of errors thrown: only for bad configuration of the call itself, never for bad objects. */
export const errorCodes = {
  badArgument: 'ALB_INGRESS_BAD_ARGUMENT',
} as const;
