// Port segments: an ALB2's `portProjects` (ALB's JSON string) as data, and the checks the admin API makes on them.
import type { Alb2 } from '@alb/crd-types';
import { parsePortProjects } from '@alb/crd-types';
import { allProjects } from '@alb/ingress-translator';
import { formatPortRange, rangeContains, rangesOverlap, type PortRange } from './port-range.ts';

/** One segment: ports owned by projects. `id` is its range text, unique because segments never overlap. */
export type PortSegment = { id: string; range: PortRange; projects: string[] };

/** The segments of an ALB2 (`spec.config.portProjects`), or the problem that makes them unreadable. */
export function albSegments(alb: Alb2): { segments: PortSegment[]; problem: string | null } {
  const text = alb.spec?.config?.portProjects;
  if (typeof text !== 'string' || text.trim() === '') return { segments: [], problem: null };
  const parsed = parsePortProjects(text);
  if (parsed.entries === null) return { segments: [], problem: `spec.config.portProjects ${parsed.problem}` };
  const segments = parsed.entries.map((e) => segment({ start: e.start, end: e.end }, e.projects));
  return { segments: sortSegments(segments), problem: null };
}

export function segment(range: PortRange, projects: readonly string[]): PortSegment {
  return { id: formatPortRange(range), range, projects: [...new Set(projects)] };
}

/** In port order (the order they are written in). */
export function sortSegments(segments: readonly PortSegment[]): PortSegment[] {
  return [...segments].sort((a, b) => a.range.start - b.range.start);
}

/** ALB's `portProjects` string for these segments. */
export function portProjectsText(segments: readonly PortSegment[]): string {
  return JSON.stringify(sortSegments(segments).map((s) => ({ port: s.id, projects: s.projects })));
}

/** The first segment other than `exceptId` whose ports overlap `range`, or null. */
export function overlappingSegment(
  segments: readonly PortSegment[],
  range: PortRange,
  exceptId: string | null = null,
): PortSegment | null {
  return segments.find((s) => s.id !== exceptId && rangesOverlap(s.range, range)) ?? null;
}

/** Whether a segment admits a project: listed, or the segment is for every project (`ALL_ALL`). */
export function segmentAdmits(seg: PortSegment, project: string): boolean {
  return seg.projects.includes(allProjects) || seg.projects.includes(project);
}

/** The segments a project may open ports in. */
export function projectSegments(segments: readonly PortSegment[], project: string): PortSegment[] {
  return segments.filter((s) => segmentAdmits(s, project));
}

/** The segment holding `port`, or null. */
export function segmentOf(segments: readonly PortSegment[], port: number): PortSegment | null {
  return segments.find((s) => rangeContains(s.range, port)) ?? null;
}

/**
 * Whether a Frontend with these projects may sit on `port`: a segment holds the port and admits each of its
 * projects (a Frontend without project labels only needs its port inside a segment).
 */
export function covers(segments: readonly PortSegment[], port: number, projects: readonly string[]): boolean {
  const seg = segmentOf(segments, port);
  return seg !== null && projects.every((p) => segmentAdmits(seg, p));
}

/** A Frontend as the segment checks see it. */
export type PortUser = { namespace: string; name: string; port: number; projects: string[] };

/**
 * The Frontends a change of segments would strand: covered before, not after. A change that strands none is safe;
 * Frontends that were already outside every segment do not block it.
 */
export function strandedBy(
  before: readonly PortSegment[],
  after: readonly PortSegment[],
  frontends: readonly PortUser[],
): PortUser[] {
  return frontends.filter((ft) => covers(before, ft.port, ft.projects) && !covers(after, ft.port, ft.projects));
}
