// One error shape for every answer that is not a success: `{ statusCode, code, error, message, ...details }`.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AjvError } from '@alb/crd-types';
import { ApiError, errorCodes, type ErrorCode, type ErrorDetails } from '../errors.ts';
import { KubeApiError } from '../store/kube-client.ts';
import { validationIssues } from './validation-issues.ts';

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendError(
  reply: FastifyReply,
  statusCode: number,
  code: ErrorCode,
  message: string,
  details: ErrorDetails = {},
): FastifyReply {
  return reply
    .code(statusCode)
    .type('application/json; charset=utf-8')
    .send({ statusCode, code, error: reasons[statusCode] ?? 'Error', message, ...details });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError)
      return sendError(reply, error.statusCode, error.code as ErrorCode, error.message, error.details);
    if (error.validation !== undefined) {
      const context = error.validationContext ?? 'body';
      const root = (request as unknown as Record<string, unknown>)[context];
      const issues = validationIssues(error.validation as unknown as AjvError[], context, root);
      const first = issues[0];
      const message = first === undefined ? error.message : `${first.path}: ${first.message}`;
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
      return sendError(reply, 400, errorCodes.invalid, `${message}${more}`, { issues });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(
        reply,
        413,
        errorCodes.tooLarge,
        `the request body is larger than ${app.initialConfig.bodyLimit} bytes`,
      );
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendError(reply, 415, errorCodes.invalid, 'send the body as application/json');
    if (error.statusCode === 400)
      return sendError(reply, 400, errorCodes.invalid, `body: ${error.message}`, {
        issues: [{ path: 'body', message: error.message, code: errorCodes.invalid }],
      });
    if (error instanceof KubeApiError || (error instanceof TypeError && error.message === 'fetch failed')) {
      request.log.error({ err: error }, 'the API server failed a request');
      return sendError(reply, 503, errorCodes.unavailable, `the API server is unavailable: ${error.message}`);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, errorCodes.internal, 'internal error (logged)');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      404,
      errorCodes.notFound,
      `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}; see /openapi.json`,
    ),
  );
}
