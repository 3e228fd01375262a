// What the admin API reads from an ALB2: the translator's own reading (projects, mode, addresses) plus segments.
import type { Alb2, Frontend } from '@alb/crd-types';
import { albSettings, frontendProjects, type AlbSettings } from '@alb/ingress-translator';
import type { PortRange } from './port-range.ts';
import { albSegments, projectSegments, type PortSegment, type PortUser } from './port-segments.ts';

/** The ops port every instance of an ALB listens on (ALB2 `metricsPort`, default 1936): never a Frontend's. */
const defaultMetricsPort = 1936;

export type AlbFacts = {
  namespace: string;
  name: string;
  settings: AlbSettings;
  segments: PortSegment[];
  /** Why `spec.config.portProjects` could not be read (then there are no segments), or null. */
  segmentsProblem: string | null;
  reservedPorts: ReadonlySet<number>;
};

export function albFacts(alb: Alb2, domain: string): AlbFacts {
  const settings = albSettings(alb, domain);
  const { segments, problem } = albSegments(alb);
  const metricsPort = alb.spec?.config?.metricsPort;
  return {
    namespace: settings.namespace,
    name: settings.name,
    settings,
    segments,
    segmentsProblem: problem,
    reservedPorts: new Set([typeof metricsPort === 'number' ? metricsPort : defaultMetricsPort]),
  };
}

/**
 * Where a project may open Frontends on an ALB: in port-project mode, its segments; otherwise every port, if the
 * ALB serves the project (or every project). Null: nowhere.
 */
export function projectPortRanges(facts: AlbFacts, project: string): PortRange[] | null {
  if (facts.settings.portMode) {
    const own = projectSegments(facts.segments, project);
    return own.length === 0 ? null : own.map((s) => s.range);
  }
  const { projects } = facts.settings;
  return projects.has('ALL_ALL') || projects.has(project) ? [{ start: 1, end: 65535 }] : null;
}

/** The ALB a Frontend belongs to (its `alb2.<domain>/name` label), in its namespace. */
export function frontendAlb(ft: Frontend, domain: string): { namespace: string; name: string } | null {
  const name = ft.metadata.labels?.[`alb2.${domain}/name`];
  return typeof name === 'string' && name !== '' ? { namespace: ft.metadata.namespace ?? 'default', name } : null;
}

export function portUser(ft: Frontend, domain: string): PortUser {
  return {
    namespace: ft.metadata.namespace ?? 'default',
    name: ft.metadata.name,
    port: ft.spec.port,
    projects: [...frontendProjects(ft, domain)].sort(),
  };
}
