// alb-admin-api: the process. Parses arguments, owns the root logger and the signals, builds the store and the
// authenticator/authorizer of the chosen source, and listens.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { buildApp } from './app.ts';
import { AuditLog } from './audit-log.ts';
import { AdminMetrics } from './admin-metrics.ts';
import { SubjectAccessReviewAuthorizer } from './auth/access-review.ts';
import type { Authenticator } from './auth/authenticator.ts';
import type { Authorizer } from './auth/authorizer.ts';
import { GroupAuthorizer } from './auth/group-authorizer.ts';
import { parseTokenFile, StaticTokenAuthenticator } from './auth/static-tokens.ts';
import { TokenReviewAuthenticator } from './auth/token-review.ts';
import { parseOptions, usage, UsageRequested, type AdminApiOptions } from './cli-options.ts';
import { FileStore } from './store/file-store.ts';
import { KubeClient } from './store/kube-client.ts';
import { KubeStore } from './store/kube-store.ts';
import type { AlbStore } from './store/store.ts';

const bundled = import.meta.url.endsWith('.js');

/** A directory of the build: next to the bundle (dist/web), or, run from source, in dist/. */
function assetDir(name: string): string | null {
  const dir = fileURLToPath(new URL(bundled ? `./${name}` : `../dist/${name}`, import.meta.url));
  return existsSync(dir) ? dir : null;
}

async function sources(options: AdminApiOptions, metrics: AdminMetrics, logger: pino.Logger) {
  let store: AlbStore;
  let authenticator: Authenticator;
  let authorizer: Authorizer;
  if (options.source === 'file') {
    const users = parseTokenFile(readFileSync(options.tokens!, 'utf8'));
    authenticator = new StaticTokenAuthenticator(users);
    authorizer = new GroupAuthorizer();
    store = await FileStore.open(options.dir!, options.domain, logger.child({ component: 'store' }));
    logger.info({ users: users.size, dir: options.dir }, 'file mode');
  } else {
    const client = KubeClient.load(options.kubeconfig);
    const reviews = new TokenReviewAuthenticator(client, { ttlMs: options.authCacheTtlMs, max: 10_000 });
    const access = new SubjectAccessReviewAuthorizer(client, {
      domain: options.domain,
      allowedTtlMs: options.authCacheTtlMs,
      deniedTtlMs: options.authCacheDeniedTtlMs,
      max: 10_000,
    });
    metrics.tokenReviews = () => reviews.reviews;
    metrics.accessReviews = () => access.reviews;
    authenticator = reviews;
    authorizer = access;
    store = new KubeStore(client);
    logger.info({ server: client.config.getCurrentCluster()?.server }, 'kube mode');
  }
  return { store, authenticator, authorizer };
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageRequested) {
      console.log(usage);
      return 0;
    }
    console.error(`alb-admin-api: ${(error as Error).message} [ALB_ADMIN_USAGE]\n\n${usage}`);
    return 2;
  }
  const logger = pino({ level: options.logLevel, base: { pid: process.pid } });
  // Audit lines are written whatever the log level.
  const audit = new AuditLog(logger.child({ component: 'audit' }, { level: 'info' }));
  const metrics = new AdminMetrics();
  let app;
  let store: AlbStore | null = null;
  try {
    const built = await sources(options, metrics, logger);
    store = built.store;
    const webDir = assetDir('web');
    if (webDir === null) logger.warn('no web page: run `npm run build -w @alb/admin-api` first');
    app = await buildApp({
      ...built,
      logger: logger.child({ component: 'http' }),
      audit,
      metrics,
      domain: options.domain,
      rateLimit: options.rateLimit,
      webDir,
      ...(bundled && { swaggerUiDir: fileURLToPath(new URL('./static', import.meta.url)) }),
      accessLog: options.accessLog,
    });
    await app.listen({ host: options.bind, port: options.port });
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    await store?.close();
    return 1;
  }
  const opened = store;
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  logger.info({ source: options.source, url: `http://${options.bind}:${port}/` }, 'alb-admin-api started');
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      app
        .close()
        .then(() => opened.close())
        .then(
          () => resolve(0),
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
