import { AlbError } from '@alb/dslx';

export { AlbError };

/** Codes of errors @alb/proxy-core throws; each is documented in the README. */
export const errorCodes = {
  /** The config is structurally invalid (duplicate or out-of-range port, unknown protocol, bad trusted proxy): nothing was applied. */
  config: 'ALB_PROXY_CONFIG',
  /** A worker process failed to start or died and could not be replaced. */
  worker: 'ALB_PROXY_WORKER',
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
