// buildApp: the whole HTTP API as a Fastify instance that does not listen (main.ts listens; tests inject).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { vendorKeywords } from '@alb/crd-types';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AdminMetrics } from './admin-metrics.ts';
import type { AuditLog } from './audit-log.ts';
import type { Authenticator } from './auth/authenticator.ts';
import type { Authorizer } from './auth/authorizer.ts';
import { RateLimiter } from './auth/rate-limiter.ts';
import { installAuthHooks } from './http/auth-hooks.ts';
import { installErrorHandler } from './http/error-handler.ts';
import './http/fastify-types.ts';
import { installWebPage } from './http/web-page.ts';
import { albRoutes } from './routes/alb-routes.ts';
import { projectRoutes } from './routes/project-routes.ts';
import { apiSchemas, refs } from './schemas/api-schemas.ts';
import { crdSchemas } from './schemas/crd-schemas.ts';
import { AlbAdmin } from './service/alb-admin.ts';
import { ProjectFrontends } from './service/project-frontends.ts';
import { ProjectRules } from './service/project-rules.ts';
import { ProjectUsage } from './service/project-usage.ts';
import type { AlbStore } from './store/store.ts';

export type AppOptions = {
  store: AlbStore;
  authenticator: Authenticator;
  authorizer: Authorizer;
  logger: Logger;
  audit: AuditLog;
  /** Label domain (`cpaas.io`): labels `alb2.<domain>/*`, permissions in `admin.alb.<domain>`. */
  domain: string;
  rateLimit: { perSecond: number; burst: number };
  /** Milliseconds clock of the rate limiter (tests drive it). */
  now?: () => number;
  /** The bundled web page (`dist/web`), or null to serve none. */
  webDir: string | null;
  /** Bundled: where Swagger UI's files were copied (dist/static); from source the package serves its own. */
  swaggerUiDir?: string;
  metrics?: AdminMetrics;
  /** Largest request body in bytes (default 64 KiB). */
  bodyLimit?: number;
  accessLog?: boolean;
};

export const version = '0.1.0';

/** The part of Fastify's ajv instance the plugin below uses. */
type AjvLike = {
  addVocabulary(keywords: string[]): unknown;
  addFormat(name: string, format: { type: 'number'; validate: (n: number) => boolean }): unknown;
};

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const metrics = options.metrics ?? new AdminMetrics();
  const base = Fastify({
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: options.accessLog !== true }),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    requestTimeout: 30_000,
    return503OnClosing: true,
    ajv: {
      customOptions: {
        allErrors: true,
        verbose: true,
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        strict: true,
        strictTypes: false,
      },
      plugins: [
        ((ajv: AjvLike) => {
          ajv.addVocabulary([...vendorKeywords]);
          ajv.addFormat('int32', {
            type: 'number',
            validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
          });
          ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
          return ajv;
        }) as never,
      ],
    },
  });
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  // Responses are plain JSON: the schemas document them (OpenAPI) without filtering what a file-mode object holds.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const schema of [...crdSchemas, ...apiSchemas]) app.addSchema(schema as object & { $id: string });
  // An empty body sent as JSON (curl -X DELETE -H 'content-type: application/json') is no body, not an error.
  const parseJson = base.getDefaultJsonParser('error', 'error');
  base.removeContentTypeParser('application/json');
  base.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    body === '' ? done(null, undefined) : parseJson(request, body as string, done),
  );
  installErrorHandler(base);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ALB admin API',
        version,
        description:
          'Projects and port segments of ALBs, and project-scoped Frontends and Rules. Every /v1 call needs ' +
          '`Authorization: Bearer <token>`; each route needs one permission in the API group `admin.alb.<domain>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    ...(options.swaggerUiDir !== undefined && { baseDir: options.swaggerUiDir }),
    uiConfig: { url: '/openapi.json' } as never,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const store = options.store;
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => reply.type('text/plain').send('ok\n'));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ready = await store.ready();
    return reply
      .code(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'ready\n' : 'not ready\n');
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4').send(metrics.render()),
  );
  app.addHook('onResponse', async (request, reply) => {
    metrics.countRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });
  if (options.webDir !== null) installWebPage(base, options.webDir);

  const albs = new AlbAdmin(store, options.domain, options.audit);
  const frontends = new ProjectFrontends(store, options.domain, options.audit);
  const rules = new ProjectRules(store, options.domain, options.audit, frontends);
  const usage = new ProjectUsage(store, options.domain);
  const limiter = new RateLimiter({ ...options.rateLimit, maxKeys: 10_000, now: options.now ?? Date.now });

  await app.register(
    async (v1) => {
      installAuthHooks(v1, {
        authenticator: options.authenticator,
        authorizer: options.authorizer,
        limiter,
        metrics,
        domain: options.domain,
      });
      v1.withTypeProvider<TypeBoxTypeProvider>().get(
        '/whoami',
        {
          schema: {
            tags: ['Session'],
            summary: 'Who the token is, whether they administer ALBs, the projects they may work in',
            response: { 200: refs.whoami, 401: refs.error },
          },
        },
        async (request) => usage.whoami(request.user!, options.authorizer, store.source),
      );
      await v1.register(albRoutes, { albs });
      await v1.register(projectRoutes, { frontends, rules, usage });
    },
    { prefix: '/v1' },
  );
  return base;
}
