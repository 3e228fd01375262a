import type { Logger } from 'pino';
import type { User } from './auth/user.ts';

export type AuditEntry = {
  user: User;
  /** `create`, `update`, `delete`. */
  action: string;
  /** What was written: `Frontend alb-demo/lb-30001`, `ALB2 alb-demo/lb port-segments`. */
  target: string;
  project?: string;
  before: unknown;
  after: unknown;
};

/** One JSON line per write (who, what, before, after), on the `audit` logger, whatever the log level. */
export class AuditLog {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  write(entry: AuditEntry): void {
    const { user, action, target, project, before, after } = entry;
    this.logger.info(
      {
        audit: {
          user: user.name,
          uid: user.uid,
          groups: user.groups,
          action,
          target,
          ...(project !== undefined && { project }),
          before,
          after,
        },
      },
      `${user.name} ${action} ${target}`,
    );
  }
}
