/** One log call, pino's shape: structured fields first, then the message. */
export type LogFn = (fields: Record<string, unknown>, message: string) => void;

/** What the elector logs through; a pino logger (or `logger.child({ component: 'leader' })`) fits. */
export interface LeaderLogger {
  debug?: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const ignore: LogFn = () => {};

/** Logs nothing. */
export const silentLogger: LeaderLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
