import type { HttpLimits } from '../http/limits.ts';
import type { TrustedProxies } from '../http/trusted-proxies.ts';
import type { ListenerStats } from '../metrics.ts';
import type { RoutingTable } from '../router/route.ts';

/** The subset of a pino-like logger the data plane uses; absent means silent. */
export type Logger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** Engine-wide settings, fixed when the engine is created. */
export type EngineSettings = {
  limits: HttpLimits;
  /** How long an endpoint that refused a connection is skipped (nginx fail_timeout, 10 s). */
  failCooldownMs: number;
  /** Client connections a listener keeps open; more are closed at once. */
  maxConnections: number;
  /** Per-request access log (off when null). */
  accessLog: Logger | null;
  logger: Logger | null;
};

export type KeepaliveSettings = { timeoutMs: number; headerTimeoutMs: number; requests: number };

/** nginx defaults: keepalive_timeout 75 s, client_header_timeout 60 s, keepalive_requests 1000. */
export const defaultKeepalive: KeepaliveSettings = { timeoutMs: 75_000, headerTimeoutMs: 60_000, requests: 1000 };

/** What a client connection needs from its listener; `routing`, `keepalive` and `trusted` change on apply. */
export type ListenerContext = {
  readonly port: number;
  readonly stats: ListenerStats;
  readonly settings: EngineSettings;
  routing: RoutingTable;
  keepalive: KeepaliveSettings;
  trusted: TrustedProxies | null;
  /** Set when the port left the config: finish in-flight requests, accept no new ones. */
  draining: boolean;
};
