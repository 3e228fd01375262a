// /v1: rate limit per token, then authentication (onRequest: before any body is read), then the route's
// permission (preValidation). Any failure to decide fails closed.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AdminMetrics } from '../admin-metrics.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Authorizer } from '../auth/authorizer.ts';
import { describePermission } from '../auth/permission.ts';
import type { RateLimiter } from '../auth/rate-limiter.ts';
import { errorCodes } from '../errors.ts';
import { sendError } from './error-handler.ts';

const bearer = /^Bearer ([^\s]+)$/i;

export type AuthHooksOptions = {
  authenticator: Authenticator;
  authorizer: Authorizer;
  limiter: RateLimiter;
  metrics: AdminMetrics;
  domain: string;
};

export function installAuthHooks(app: FastifyInstance, options: AuthHooksOptions): void {
  const { authenticator, authorizer, limiter, metrics, domain } = options;
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (request, reply) => {
    const token = bearer.exec(request.headers.authorization ?? '')?.[1] ?? null;
    const key = token === null ? `ip:${request.ip}` : createHash('sha256').update(token).digest('hex');
    const wait = limiter.take(key);
    if (wait > 0) {
      metrics.rateLimited++;
      reply.header('retry-after', String(wait));
      return sendError(reply, 429, errorCodes.rateLimited, `too many requests with this token; retry in ${wait} s`);
    }
    if (token === null) {
      metrics.unauthenticated++;
      reply.header('www-authenticate', 'Bearer realm="alb-admin-api"');
      return sendError(reply, 401, errorCodes.unauthenticated, 'send Authorization: Bearer <token>');
    }
    let user;
    try {
      user = await authenticator.authenticate(token);
    } catch (error) {
      request.log.error({ err: error }, 'cannot check a token');
      return sendError(reply, 503, errorCodes.unavailable, 'cannot check the token now; try again');
    }
    if (user === null) {
      metrics.unauthenticated++;
      reply.header('www-authenticate', 'Bearer realm="alb-admin-api", error="invalid_token"');
      return sendError(reply, 401, errorCodes.unauthenticated, 'the token is not valid');
    }
    request.user = user;
  });

  app.addHook('preValidation', async (request, reply) => {
    const needs = request.routeOptions.config.permission;
    const user = request.user;
    if (needs === undefined || user === null) return;
    const permission = needs(request.params as Record<string, string>);
    let allowed;
    try {
      allowed = await authorizer.allowed(user, permission);
    } catch (error) {
      request.log.error({ err: error }, 'cannot check a permission');
      return sendError(reply, 503, errorCodes.unavailable, 'cannot check permissions now; try again');
    }
    if (!allowed) {
      metrics.forbidden++;
      return sendError(
        reply,
        403,
        errorCodes.forbidden,
        `user "${user.name}" may not ${describePermission(permission, domain)}`,
        { permission: { ...permission, group: `admin.alb.${domain}` } },
      );
    }
  });
}
