import type { HttpLimits } from '../http/limits.ts';
import type { ListenerStats } from '../metrics.ts';
import type { HttpPortState } from './port-state.ts';

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
  /** Shared by every worker: TLS session ticket keys derive from it (absent: a random one per engine). */
  tlsTicketSecret?: string;
};

/** What an HTTP connection needs from its listener. */
export type ListenerContext = {
  readonly port: number;
  readonly stats: ListenerStats;
  readonly settings: EngineSettings;
  /** The port's compiled config; replaced whole on apply, read once per request. */
  readonly state: HttpPortState;
  /** Set when the port left the config (or the engine closes): finish in-flight requests, accept no new ones. */
  readonly draining: boolean;
};
