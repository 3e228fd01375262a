// alb-instance: the process. Parses arguments, owns the root logger and the signals, and runs the instance.
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parseOptions, usage, UsageRequested } from './cli-options.ts';
import { startInstance } from './instance.ts';

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
  let instance;
  try {
    instance = await startInstance(options, logger, workerEntry);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    return 1;
  }
  logger.info(
    { source: options.source, dir: options.dir, alb: options.alb, opsPort: options.opsPort, workers: options.workers },
    'alb-instance started',
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, drainTimeoutMs: options.drainTimeoutMs }, 'shutting down: draining in-flight requests');
      instance.shutdown().then(
        () => {
          logger.info('stopped');
          resolve(0);
        },
        (error: Error) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

process.exitCode = await main();
