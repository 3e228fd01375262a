// /v1/albs: ALBs, the projects they serve, their port segments (ALB admins).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AlbAdmin } from '../service/alb-admin.ts';
import { AlbParams, errorResponses, ProjectsBody, refs, SegmentBody, SegmentParams } from '../schemas/api-schemas.ts';

const tags = ['ALBs (admins)'];
const albPermission =
  (verb: 'get' | 'list' | 'create' | 'update' | 'delete', subresource?: 'projects' | 'port-segments') =>
  (params: Record<string, string>) => ({
    verb,
    resource: 'albs' as const,
    ...(subresource !== undefined && { subresource }),
    name: params.name,
    namespace: params.namespace,
  });

export const albRoutes: FastifyPluginAsyncTypebox<{ albs: AlbAdmin }> = async (app, { albs }) => {
  app.get(
    '/albs',
    {
      config: { permission: () => ({ verb: 'list', resource: 'albs' }) },
      schema: {
        tags,
        summary: 'Every ALB with its address, state, mode, projects and segments (with their use)',
        response: { 200: refs.albs, ...errorResponses },
      },
    },
    async () => ({ items: await albs.list() }),
  );

  app.get(
    '/albs/:namespace/:name',
    {
      config: { permission: albPermission('get') },
      schema: { tags, summary: 'One ALB', params: AlbParams, response: { 200: refs.alb, ...errorResponses } },
    },
    async (request) => albs.get(request.params),
  );

  app.put(
    '/albs/:namespace/:name/projects',
    {
      config: { permission: albPermission('update', 'projects') },
      schema: {
        tags,
        summary: 'Set the projects an ALB serves (`ALL_ALL` = every project)',
        description:
          'Outside port-project mode, a project that still has Frontends on the ALB cannot be removed (409 ' +
          'ALB_ADMIN_PROJECT_IN_USE naming them).',
        params: AlbParams,
        body: ProjectsBody,
        response: { 200: refs.alb, ...errorResponses },
      },
    },
    async (request) => albs.setProjects(request.user!, request.params, request.body.projects),
  );

  app.get(
    '/albs/:namespace/:name/port-segments',
    {
      config: { permission: albPermission('list', 'port-segments') },
      schema: {
        tags,
        summary: "An ALB's port segments, with the Frontends in each",
        params: AlbParams,
        response: { 200: refs.segments, ...errorResponses },
      },
    },
    async (request) => ({ items: await albs.segments(request.params) }),
  );

  app.post(
    '/albs/:namespace/:name/port-segments',
    {
      config: { permission: albPermission('create', 'port-segments') },
      schema: {
        tags,
        summary: 'Add a port segment; the first one turns port-project mode on',
        description: 'Overlapping an existing segment: 409 ALB_ADMIN_SEGMENT_OVERLAP with the segments.',
        params: AlbParams,
        body: SegmentBody,
        response: { 201: refs.segment, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return albs.createSegment(request.user!, request.params, request.body);
    },
  );

  app.put(
    '/albs/:namespace/:name/port-segments/:id',
    {
      config: { permission: albPermission('update', 'port-segments') },
      schema: {
        tags,
        summary: "Change a segment's ports or projects",
        description:
          "A change that leaves a Frontend outside its projects' segments is refused: 409 " +
          'ALB_ADMIN_SEGMENT_IN_USE naming it. The segment id becomes its new ports.',
        params: SegmentParams,
        body: SegmentBody,
        response: { 200: refs.segment, ...errorResponses },
      },
    },
    async (request) => {
      const { id, ...alb } = request.params;
      return albs.updateSegment(request.user!, alb, id, request.body);
    },
  );

  app.delete(
    '/albs/:namespace/:name/port-segments/:id',
    {
      config: { permission: albPermission('delete', 'port-segments') },
      schema: {
        tags,
        summary: 'Delete a segment no Frontend uses; deleting the last one turns port-project mode off',
        params: SegmentParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, ...alb } = request.params;
      await albs.deleteSegment(request.user!, alb, id);
      return reply.code(204).send(null);
    },
  );
};
