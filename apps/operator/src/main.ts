// alb-operator: the process. Parses arguments, owns the root logger and the signals, and runs the operator.
import { pino } from 'pino';
import { parseOptions, usage, UsageRequested } from './cli-options.ts';
import { operatorCodes } from './errors.ts';
import { startOperator } from './operator.ts';
import { operatorVersion } from './version.ts';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageRequested) {
      console.log(usage);
      return 0;
    }
    console.error(`alb-operator: ${(error as Error).message} [${operatorCodes.usage}]\n\n${usage}`);
    return 2;
  }
  const logger = pino({ level: options.logLevel, base: { pid: process.pid } });
  let operator;
  try {
    operator = await startOperator(options, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    return 1;
  }
  logger.info(
    {
      version: operatorVersion,
      image: options.image,
      namespace: options.namespace ?? '(all)',
      opsPort: options.opsPort,
      leaderElect: options.leaderElect,
    },
    'alb-operator started',
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: releasing the lease');
      operator.shutdown().then(
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
