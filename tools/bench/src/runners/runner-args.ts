import { parseArgs } from 'node:util';

/**
 * `--port <n> --backend-port <n> [--rules <n>] [--workers <n>]`, the command line of every Node proxy runner (ALB's:
 * rules and data-plane workers).
 */
export function runnerArgs(argv: readonly string[]): {
  port: number;
  backendPort: number;
  rules: number | null;
  workers: number;
} {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: 'string' },
      'backend-port': { type: 'string' },
      rules: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const port = Number(values.port);
  const backendPort = Number(values['backend-port']);
  const rules = values.rules === undefined ? null : Number(values.rules);
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(port) || !Number.isInteger(backendPort) || port <= 0 || backendPort <= 0)
    throw new Error('usage: <runner> --port <n> --backend-port <n> [--rules <n>] [--workers <n>]');
  if (rules !== null && !(Number.isInteger(rules) && rules >= 1)) throw new Error('--rules wants a whole number >= 1');
  if (!(Number.isInteger(workers) && workers >= 1)) throw new Error('--workers wants a whole number >= 1');
  return { port, backendPort, rules, workers };
}

/**
 * Ends the runner when the bench says so (SIGTERM/SIGINT) or goes away (the IPC channel closes), so no proxy
 * outlives a bench that crashed.
 */
export function exitWith(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    void close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}
