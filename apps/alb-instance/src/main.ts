// alb-instance: the process. Parses arguments, owns the root logger and the signals, and runs the instance.
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { parseOptions, usage, UsageRequested } from './cli-options.ts';
import { StartAborted, startInstance, type Instance } from './instance.ts';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageRequested) {
      console.log(usage);
      return 0;
    }
    console.error(`alb-instance: ${(error as Error).message} [ALB_INSTANCE_USAGE]\n\n${usage}`);
    return 2;
  }
  const logger = pino({ level: options.logLevel, base: { pid: process.pid } });
  // Bundled (dist/main.js): the data-plane workers run dist/worker.js; from source, proxy-core finds its own.
  const workerEntry = import.meta.url.endsWith('.js')
    ? fileURLToPath(new URL('./worker.js', import.meta.url))
    : undefined;

  // Signals before anything else: a stop asked for while starting (reading a big directory) is honoured.
  const signals = handleSignals(logger);
  let instance: Instance;
  try {
    instance = await startInstance(options, logger, workerEntry, signals.starting.signal);
  } catch (error) {
    if (error instanceof StartAborted) {
      logger.info({ signal: signals.stopSignal() }, error.message);
      return 0;
    }
    logger.fatal({ err: error }, 'could not start');
    return 1;
  }
  signals.started(instance);
  logger.info(
    { source: options.source, dir: options.dir, alb: options.alb, opsPort: options.opsPort, workers: options.workers },
    'alb-instance started',
  );
  const signal = await signals.stopped;
  logger.info({ signal, drainTimeoutMs: options.drainTimeoutMs }, 'shutting down: draining in-flight requests');
  try {
    await instance.shutdown();
    logger.info('stopped');
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    return 1;
  }
}

/**
 * SIGTERM and SIGINT stop (draining); SIGHUP re-reads the sources and re-applies (nginx reloads on HUP; it must
 * never end the process); SIGUSR1 would open the inspector on a port: a production process ignores it.
 */
function handleSignals(logger: Logger) {
  const starting = new AbortController();
  let stopSignal: string | null = null;
  let instance: Instance | null = null;
  let reloading: Promise<void> | null = null;
  let resolveStopped!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (resolveStopped = resolve));
  const stop = (signal: string) => {
    if (stopSignal !== null) return;
    stopSignal = signal;
    starting.abort();
    resolveStopped(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    if (instance === null || stopSignal !== null) {
      logger.warn('SIGHUP ignored: not serving yet, or stopping');
      return;
    }
    if (reloading !== null) {
      logger.info('SIGHUP: a reload is already running');
      return;
    }
    reloading = instance
      .reload()
      .then(
        ({ files }) =>
          files === null
            ? logger.info('SIGHUP: rebuilt and re-applied (kube mode follows the cluster continuously)')
            : logger.info({ files }, 'SIGHUP: re-read every file and rebuilt'),
        (error: Error) => logger.error({ err: error }, 'SIGHUP: reload failed; the last config keeps serving'),
      )
      .finally(() => (reloading = null));
  });
  process.on('SIGUSR1', () => logger.warn('SIGUSR1 ignored: the inspector is disabled in this process'));
  return {
    starting,
    stopped,
    stopSignal: () => stopSignal,
    started: (running: Instance) => (instance = running),
  };
}

process.exitCode = await main();
// Everything is closed by now and the process ends by itself; should anything linger, it must not keep a stopped
// (or never started) instance half-alive.
setTimeout(() => process.exit(), 2000).unref();
