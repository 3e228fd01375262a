// What the API shows of ALBs, segments and a project's usage: pure functions of the objects read.
import type { Alb2 } from '@alb/crd-types';
import type { AlbUsageView, AlbView, PortSegmentView, PortUseView } from '../schemas/api-schemas.ts';
import type { AlbFacts } from './alb-facts.ts';
import { projectPortRanges } from './alb-facts.ts';
import { freeCount } from './port-allocation.ts';
import { rangeContains, rangeSize } from './port-range.ts';
import { covers, segmentAdmits, type PortSegment, type PortUser } from './port-segments.ts';

const byPort = (a: PortUser, b: PortUser) => a.port - b.port || a.name.localeCompare(b.name);

export function segmentView(seg: PortSegment, frontends: readonly PortUser[]): PortSegmentView {
  const used = frontends.filter((ft) => rangeContains(seg.range, ft.port)).sort(byPort);
  return {
    id: seg.id,
    ports: seg.id,
    projects: seg.projects,
    size: rangeSize(seg.range),
    free: freeCount(seg.range, new Set(used.map((ft) => ft.port))),
    used: used.map(portUseView),
  };
}

export function portUseView(ft: PortUser): PortUseView {
  return { namespace: ft.namespace, name: ft.name, port: ft.port, projects: ft.projects };
}

/** An ALB with its segments and their use; `frontends` are this ALB's. */
export function albView(alb: Alb2, facts: AlbFacts, frontends: readonly PortUser[]): AlbView {
  const view: AlbView = {
    namespace: facts.namespace,
    name: facts.name,
    address: facts.settings.addresses,
    state: alb.status?.state ?? 'Unknown',
    portProjectMode: facts.settings.portMode,
    projects: [...facts.settings.projects].sort(),
    segments: facts.segments.map((seg) => segmentView(seg, frontends)),
    frontends: frontends.length,
    outsideSegments: facts.settings.portMode
      ? frontends
          .filter((ft) => !covers(facts.segments, ft.port, ft.projects))
          .sort(byPort)
          .map(portUseView)
      : [],
    resourceVersion: alb.metadata.resourceVersion ?? '',
  };
  if (alb.status?.reason !== undefined && alb.status.reason !== '') view.reason = alb.status.reason;
  if (facts.segmentsProblem !== null) view.segmentsProblem = facts.segmentsProblem;
  return view;
}

/**
 * A project on one ALB: its segments and their use, its Frontends, the ports it may still open. Null when the
 * project has nothing there (no segment, not served, no Frontend).
 */
export function albUsage(facts: AlbFacts, project: string, frontends: readonly PortUser[]): AlbUsageView | null {
  const own = frontends.filter((ft) => ft.projects.includes(project)).sort(byPort);
  const ranges = projectPortRanges(facts, project);
  if (ranges === null && own.length === 0) return null;
  const used = new Set(frontends.map((ft) => ft.port));
  for (const port of facts.reservedPorts) used.add(port);
  const segments = facts.settings.portMode ? facts.segments.filter((s) => segmentAdmits(s, project)) : [];
  return {
    namespace: facts.namespace,
    name: facts.name,
    portProjectMode: facts.settings.portMode,
    segments: segments.map((seg) => segmentView(seg, frontends)),
    frontends: own.map(portUseView),
    free: (ranges ?? []).reduce((sum, range) => sum + freeCount(range, used), 0),
  };
}
