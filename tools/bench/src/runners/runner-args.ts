import { parseArgs } from 'node:util';

/** `--port <n> --backend-port <n>`, the command line of every Node proxy runner. */
export function runnerArgs(argv: readonly string[]): { port: number; backendPort: number } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { port: { type: 'string' }, 'backend-port': { type: 'string' } },
  });
  const port = Number(values.port);
  const backendPort = Number(values['backend-port']);
  if (!Number.isInteger(port) || !Number.isInteger(backendPort) || port <= 0 || backendPort <= 0)
    throw new Error('usage: <runner> --port <n> --backend-port <n>');
  return { port, backendPort };
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
