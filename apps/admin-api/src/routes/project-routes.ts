// /v1/projects/{project}: a project's Frontends, their Rules, and its usage of the ALBs (project members).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Verb } from '../auth/permission.ts';
import {
  errorResponses,
  FrontendBody,
  FrontendParams,
  FrontendQuery,
  NewFrontendBody,
  NewRuleBody,
  ProjectParams,
  refs,
  RuleBody,
  RuleParams,
} from '../schemas/api-schemas.ts';
import type { ProjectFrontends } from '../service/project-frontends.ts';
import type { ProjectRules } from '../service/project-rules.ts';
import type { ProjectUsage } from '../service/project-usage.ts';

const projectPermission =
  (verb: Verb, subresource: 'frontends' | 'rules' | 'usage') => (params: Record<string, string>) => ({
    verb,
    resource: 'projects' as const,
    subresource,
    name: params.project,
  });

export type ProjectRoutesOptions = { frontends: ProjectFrontends; rules: ProjectRules; usage: ProjectUsage };

export const projectRoutes: FastifyPluginAsyncTypebox<ProjectRoutesOptions> = async (app, services) => {
  const { frontends, rules, usage } = services;
  const ftTags = ['Frontends (project members)'];
  const ruleTags = ['Rules (project members)'];

  app.get(
    '/projects/:project/usage',
    {
      config: { permission: projectPermission('get', 'usage') },
      schema: {
        tags: ['Usage (project members)'],
        summary: "Per ALB: the project's segments, the ports it uses, how many it may still open",
        params: ProjectParams,
        response: { 200: refs.usage, ...errorResponses },
      },
    },
    async (request) => usage.usage(request.params.project),
  );

  app.get(
    '/projects/:project/frontends',
    {
      config: { permission: projectPermission('list', 'frontends') },
      schema: {
        tags: ftTags,
        summary: "The project's Frontends (those labelled project.<domain>/<project>)",
        params: ProjectParams,
        querystring: FrontendQuery,
        response: { 200: refs.frontends, ...errorResponses },
      },
    },
    async (request) => {
      const alb = request.query.alb?.split('/');
      const key = alb === undefined ? undefined : { namespace: alb[0]!, name: alb[1]! };
      return { items: await frontends.list(request.params.project, key) };
    },
  );

  app.post(
    '/projects/:project/frontends',
    {
      config: { permission: projectPermission('create', 'frontends') },
      schema: {
        tags: ftTags,
        summary: 'Open a port: a Frontend `<alb>-<port>` in the ALB namespace, labelled with the project',
        description:
          "The port must lie in one of the project's segments (port-project mode) or the ALB must serve the " +
          'project, and be free: 409 ALB_ADMIN_PORT_NOT_ALLOWED / ALB_ADMIN_PORT_TAKEN otherwise. Without ' +
          '`spec.port` the lowest free port is taken. The project label is set here, never taken from the body.',
        params: ProjectParams,
        body: NewFrontendBody,
        response: { 201: refs.frontend, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return frontends.create(request.user!, request.params.project, request.body);
    },
  );

  const ftKey = (p: { namespace: string; name: string }) => ({ namespace: p.namespace, name: p.name });

  app.get(
    '/projects/:project/frontends/:namespace/:name',
    {
      config: { permission: projectPermission('get', 'frontends') },
      schema: {
        tags: ftTags,
        summary: 'One Frontend of the project',
        params: FrontendParams,
        response: { 200: refs.frontend, ...errorResponses },
      },
    },
    async (request) => frontends.get(request.params.project, ftKey(request.params)),
  );

  app.put(
    '/projects/:project/frontends/:namespace/:name',
    {
      config: { permission: projectPermission('update', 'frontends') },
      schema: {
        tags: ftTags,
        summary: "Replace a Frontend's spec (its port stays)",
        description: 'With `resourceVersion`, a Frontend changed since it was read is a 409 with its current state.',
        params: FrontendParams,
        body: FrontendBody,
        response: { 200: refs.frontend, ...errorResponses },
      },
    },
    async (request) => frontends.replace(request.user!, request.params.project, ftKey(request.params), request.body),
  );

  app.delete(
    '/projects/:project/frontends/:namespace/:name',
    {
      config: { permission: projectPermission('delete', 'frontends') },
      schema: {
        tags: ftTags,
        summary: 'Close a port: delete the Frontend and its Rules',
        params: FrontendParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await frontends.delete(request.user!, request.params.project, ftKey(request.params));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/projects/:project/frontends/:namespace/:name/rules',
    {
      config: { permission: projectPermission('list', 'rules') },
      schema: {
        tags: ruleTags,
        summary: 'The Rules of a Frontend of the project',
        params: FrontendParams,
        response: { 200: refs.rules, ...errorResponses },
      },
    },
    async (request) => ({ items: await rules.list(request.params.project, ftKey(request.params)) }),
  );

  app.post(
    '/projects/:project/frontends/:namespace/:name/rules',
    {
      config: { permission: projectPermission('create', 'rules') },
      schema: {
        tags: ruleTags,
        summary: 'Add a Rule to a Frontend of the project (http, https, grpc Frontends)',
        params: FrontendParams,
        body: NewRuleBody,
        response: { 201: refs.rule, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return rules.create(request.user!, request.params.project, ftKey(request.params), request.body);
    },
  );

  app.get(
    '/projects/:project/frontends/:namespace/:name/rules/:rule',
    {
      config: { permission: projectPermission('get', 'rules') },
      schema: {
        tags: ruleTags,
        summary: 'One Rule',
        params: RuleParams,
        response: { 200: refs.rule, ...errorResponses },
      },
    },
    async (request) => rules.get(request.params.project, ftKey(request.params), request.params.rule),
  );

  app.put(
    '/projects/:project/frontends/:namespace/:name/rules/:rule',
    {
      config: { permission: projectPermission('update', 'rules') },
      schema: {
        tags: ruleTags,
        summary: "Replace a Rule's spec",
        params: RuleParams,
        body: RuleBody,
        response: { 200: refs.rule, ...errorResponses },
      },
    },
    async (request) =>
      rules.replace(request.user!, request.params.project, ftKey(request.params), request.params.rule, request.body),
  );

  app.delete(
    '/projects/:project/frontends/:namespace/:name/rules/:rule',
    {
      config: { permission: projectPermission('delete', 'rules') },
      schema: {
        tags: ruleTags,
        summary: 'Delete a Rule',
        params: RuleParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await rules.delete(request.user!, request.params.project, ftKey(request.params), request.params.rule);
      return reply.code(204).send(null);
    },
  );
};
