// Route schemas: the single source of validation (ajv), of the handlers' types (TypeBox type provider) and of the
// OpenAPI document. Kubernetes objects use the CRD schemas of @alb/crd-types (crd-schemas.ts).
import type { Frontend, FrontendSpec, Rule, RuleSpec } from '@alb/crd-types';
import { Type, type Static, type TSchema } from 'typebox';
import { crdRef, crdVariant } from './crd-schemas.ts';

// Patterns are written so a regex engine cannot backtrack on them: bounded repetition, checked length first.
const label = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
export const patterns = {
  namespace: `^${label}$`,
  name: `^(?=.{1,253}$)${label}(?:\\.${label})*$`,
  project: `^${label}$`,
  projectOrAll: `^(?:ALL_ALL|${label})$`,
  ports: '^[0-9]{1,5}(?:-[0-9]{1,5})?$',
} as const;

const Namespace = Type.String({ pattern: patterns.namespace, maxLength: 63, description: 'A namespace.' });
const Name = Type.String({ pattern: patterns.name, maxLength: 253, description: 'An object name (DNS subdomain).' });
const Project = Type.String({ pattern: patterns.project, maxLength: 63, description: 'A project name.' });
const ProjectOrAll = Type.String({
  pattern: patterns.projectOrAll,
  maxLength: 63,
  description: 'A project, or `ALL_ALL` for every project.',
});
const Ports = Type.String({
  pattern: patterns.ports,
  description: 'One port (`"80"`) or an inclusive range (`"30000-30099"`), within 1-65535.',
});
const ResourceVersion = Type.String({
  maxLength: 128,
  description: 'The version read; the write is refused with 409 if the object changed since.',
});

export const AlbParams = Type.Object({ namespace: Namespace, name: Name });
export const SegmentParams = Type.Object({
  namespace: Namespace,
  name: Name,
  id: Type.String({ pattern: patterns.ports, description: 'A segment: its ports as written, e.g. `30000-30099`.' }),
});
export const ProjectParams = Type.Object({ project: Project });
export const FrontendParams = Type.Object({ project: Project, namespace: Namespace, name: Name });
export const RuleParams = Type.Object({ project: Project, namespace: Namespace, name: Name, rule: Name });
export const FrontendQuery = Type.Object({
  alb: Type.Optional(
    Type.String({
      pattern: `^${label}/${label}(?:\\.${label})*$`,
      maxLength: 317,
      description: '`<namespace>/<name>` of an ALB2.',
    }),
  ),
});

export const ProjectsBody = Type.Object(
  { projects: Type.Array(ProjectOrAll, { maxItems: 500, description: 'The projects the ALB serves.' }) },
  { additionalProperties: false },
);

export const SegmentBody = Type.Object(
  {
    ports: Ports,
    projects: Type.Array(ProjectOrAll, { minItems: 1, maxItems: 500, description: 'Projects that own these ports.' }),
  },
  { additionalProperties: false },
);

export const NewFrontendBody = Type.Object(
  {
    alb: Type.Object({ namespace: Namespace, name: Name }, { additionalProperties: false }),
    spec: crdVariant<Omit<FrontendSpec, 'port'> & { port?: number }>('FrontendSpec', 'NewFrontendSpec', ['protocol']),
  },
  {
    additionalProperties: false,
    description: 'Without `spec.port`, the lowest free port of the project on that ALB is taken.',
  },
);

export const FrontendBody = Type.Object(
  { spec: crdRef<FrontendSpec>('FrontendSpec'), resourceVersion: Type.Optional(ResourceVersion) },
  { additionalProperties: false },
);

export const NewRuleBody = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        pattern: patterns.name,
        maxLength: 253,
        description: 'Default: `<frontend>-<5 random characters>`.',
      }),
    ),
    spec: crdRef<RuleSpec>('RuleSpec'),
  },
  { additionalProperties: false },
);

export const RuleBody = Type.Object(
  { spec: crdRef<RuleSpec>('RuleSpec'), resourceVersion: Type.Optional(ResourceVersion) },
  { additionalProperties: false },
);

const PortUse = Type.Object(
  {
    namespace: Type.String(),
    name: Type.String(),
    port: Type.Integer(),
    projects: Type.Array(Type.String()),
  },
  { $id: 'PortUse', description: 'A Frontend holding a port.' },
);

const PortSegmentView = Type.Object(
  {
    id: Type.String({ description: 'The segment in paths: its ports as written.' }),
    ports: Type.String(),
    projects: Type.Array(Type.String()),
    size: Type.Integer({ description: 'Ports in the segment.' }),
    free: Type.Integer({ description: 'Ports no Frontend holds.' }),
    used: Type.Array(Type.Unsafe<Static<typeof PortUse>>({ $ref: 'PortUse#' })),
  },
  { $id: 'PortSegment' },
);

const AlbView = Type.Object(
  {
    namespace: Type.String(),
    name: Type.String(),
    address: Type.Array(Type.String(), { description: 'Where the ALB is reached (spec.address, then status).' }),
    state: Type.String({ description: 'status.state (`Unknown` when no operator has written it).' }),
    reason: Type.Optional(Type.String()),
    portProjectMode: Type.Boolean({ description: 'Projects own port segments (`enablePortProject`).' }),
    projects: Type.Array(Type.String(), { description: 'Projects served (`ALL_ALL` = every project).' }),
    segments: Type.Array(Type.Unsafe<Static<typeof PortSegmentView>>({ $ref: 'PortSegment#' })),
    segmentsProblem: Type.Optional(Type.String({ description: 'Why spec.config.portProjects could not be read.' })),
    frontends: Type.Integer({ description: 'Frontends of this ALB.' }),
    outsideSegments: Type.Array(Type.Unsafe<Static<typeof PortUse>>({ $ref: 'PortUse#' }), {
      description: 'Port-project mode: Frontends whose port is in no segment (or one not admitting their projects).',
    }),
    resourceVersion: Type.String(),
  },
  { $id: 'Alb' },
);

const AlbUsage = Type.Object(
  {
    namespace: Type.String(),
    name: Type.String(),
    portProjectMode: Type.Boolean(),
    segments: Type.Array(Type.Unsafe<Static<typeof PortSegmentView>>({ $ref: 'PortSegment#' }), {
      description: "The project's segments (port-project mode).",
    }),
    frontends: Type.Array(Type.Unsafe<Static<typeof PortUse>>({ $ref: 'PortUse#' }), {
      description: "The project's Frontends on this ALB.",
    }),
    free: Type.Integer({ description: 'Ports the project may still open here (its segments, less what is used).' }),
  },
  { $id: 'AlbUsage' },
);

const ProjectUsage = Type.Object(
  {
    project: Type.String(),
    albs: Type.Array(Type.Unsafe<Static<typeof AlbUsage>>({ $ref: 'AlbUsage#' })),
  },
  { $id: 'ProjectUsage' },
);

const WhoAmI = Type.Object(
  {
    user: Type.String(),
    groups: Type.Array(Type.String()),
    admin: Type.Boolean({ description: 'May list ALBs (and so manage them, with the admin role).' }),
    projects: Type.Array(Type.String(), {
      description: 'Projects known on some ALB whose Frontends the user may list.',
    }),
    source: Type.String({ description: '`file` or `kube`.' }),
  },
  { $id: 'WhoAmI' },
);

const ApiErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Stable `ALB_ADMIN_*` code (README, Errors).' }),
    error: Type.String(),
    message: Type.String(),
    issues: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String(), code: Type.String() }), {
        description: '400: the fields at fault, e.g. `body.spec.port`.',
      }),
    ),
    current: Type.Optional(Type.Unknown({ description: '409: the state in the way.' })),
    permission: Type.Optional(Type.Unknown({ description: '403: the permission that was missing.' })),
  },
  { $id: 'ApiError' },
);

/** Shared schemas with an `$id`, registered once (referenced as `<id>#`). */
export const apiSchemas: TSchema[] = [
  PortUse,
  PortSegmentView,
  AlbView,
  AlbUsage,
  ProjectUsage,
  WhoAmI,
  ApiErrorSchema,
];

export type PortUseView = Static<typeof PortUse>;
export type PortSegmentView = Static<typeof PortSegmentView>;
export type AlbView = Static<typeof AlbView>;
export type AlbUsageView = Static<typeof AlbUsage>;
export type ProjectUsageView = Static<typeof ProjectUsage>;
export type WhoAmIView = Static<typeof WhoAmI>;

const ref = <T>(id: string) => Type.Unsafe<T>({ $ref: `${id}#` });
const list = <T>(item: ReturnType<typeof ref<T>>) => Type.Object({ items: Type.Array(item) });
const error = ref<unknown>('ApiError');

export const refs = {
  alb: ref<AlbView>('Alb'),
  albs: list(ref<AlbView>('Alb')),
  segment: ref<PortSegmentView>('PortSegment'),
  segments: list(ref<PortSegmentView>('PortSegment')),
  usage: ref<ProjectUsageView>('ProjectUsage'),
  whoami: ref<WhoAmIView>('WhoAmI'),
  frontend: crdRef<Frontend>('Frontend'),
  frontends: list(crdRef<Frontend>('Frontend')),
  rule: crdRef<Rule>('Rule'),
  rules: list(crdRef<Rule>('Rule')),
  error,
};

/** The error answers every /v1 route may give, for the OpenAPI document. */
export const errorResponses = {
  400: error,
  401: error,
  403: error,
  404: error,
  409: error,
  413: error,
  429: error,
  503: error,
} as const;
