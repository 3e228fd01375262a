import { AlbError } from '@alb/dslx';

export { AlbError };

/** Codes of errors @alb/proxy-core throws; each is documented in the README. */
export const errorCodes = {
  /** The config is structurally invalid (duplicate or out-of-range port, unknown protocol, bad trusted proxy): nothing was applied. */
  config: 'ALB_PROXY_CONFIG',
  /** A worker process failed to start, exited while a call to it was pending, or is not running. */
  worker: 'ALB_PROXY_WORKER',
  /** A worker process did not answer a call (apply, stats, close) in time: it may be stopped or stuck. */
  workerTimeout: 'ALB_PROXY_WORKER_TIMEOUT',
  /** The data plane was used after close(). */
  closed: 'ALB_PROXY_CLOSED',
} as const;

/** Thrown by `apply` for a config that cannot be applied at all; `problems` names each field. */
export class ConfigError extends AlbError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(errorCodes.config, `invalid data plane config: ${problems.join('; ')}`);
    this.problems = problems;
  }
}
