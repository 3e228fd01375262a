import type { ListenerProtocol } from '../config.ts';
import type { ListenerStats } from '../metrics.ts';

/**
 * What the engine drives on every listening port, whatever its protocol (`http` today; TLS, HTTP/2 and the L4
 * protocols plug in the same way): open it, swap its compiled state in one assignment, let the sweeper check its
 * timeouts, drain it when the port leaves the config.
 */
export interface PortListener<State = unknown> {
  readonly port: number;
  readonly protocol: ListenerProtocol;
  readonly stats: ListenerStats;
  /** The port's compiled config: replaced whole by `apply`, read once per request (or connection) by the data path. */
  state: State;
  /** Starts listening; `reusePort` lets several worker processes share the port (the kernel spreads connections). */
  listen(host: string, reusePort: boolean): Promise<void>;
  /** Applies timeouts (called by the engine's one coarse sweeper; nothing arms a timer per request). */
  sweep(now: number): void;
  /** Stops accepting; idle connections close now, busy ones after their current exchange. */
  drain(): void;
  /** Closes what is left (after the drain deadline). */
  destroyAll(): void;
  readonly connectionCount: number;
}
