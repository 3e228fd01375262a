// Protocol and other enum constants. They equal the schema's enums (a test checks), typed by the generated types.
import type { FrontendProtocol, MatchType, SessionAffinityPolicy } from './generated/types.ts';

export const frontendProtocols = ['http', 'https', 'tcp', 'udp', 'grpc'] as const satisfies readonly FrontendProtocol[];
/** Routed by Rules. */
export const l7Protocols = ['http', 'https', 'grpc'] as const satisfies readonly FrontendProtocol[];
/** Everything goes to the Frontend's serviceGroup. */
export const l4Protocols = ['tcp', 'udp'] as const satisfies readonly FrontendProtocol[];

export type BackendProtocol = 'http' | 'https' | 'grpc';
export const backendProtocols = ['http', 'https', 'grpc'] as const satisfies readonly BackendProtocol[];

export const sessionAffinityPolicies = [
  '',
  'sip-hash',
  'cookie',
  'header',
] as const satisfies readonly SessionAffinityPolicy[];
export const matchTypes = [
  'HOST',
  'URL',
  'METHOD',
  'PARAM',
  'HEADER',
  'COOKIE',
  'SRC_IP',
] as const satisfies readonly MatchType[];

export function isL7Protocol(protocol: string): protocol is (typeof l7Protocols)[number] {
  return (l7Protocols as readonly string[]).includes(protocol);
}

export function isL4Protocol(protocol: string): protocol is (typeof l4Protocols)[number] {
  return (l4Protocols as readonly string[]).includes(protocol);
}

/**
 * A `backendProtocol` as ALB reads it: lower-cased; `''` when unset (use the Frontend's protocol); null when it is
 * none of http, https, grpc.
 */
export function normalizeBackendProtocol(value: string | undefined): BackendProtocol | '' | null {
  if (value === undefined || value === '') return '';
  const lower = value.toLowerCase();
  return (backendProtocols as readonly string[]).includes(lower) ? (lower as BackendProtocol) : null;
}
