// Checks a JSON Schema cannot express: required labels, DSLX (through @alb/dslx), case-insensitive enums, JSON
// strings, weights ALB clamps, L4 ports without a backend. They run on a schema-checked copy, defensively.
import { validate as validateDslx } from '@alb/dslx';
import { issueCodes } from './errors.ts';
import type { Segment } from './field-path.ts';
import { describe } from './field-path.ts';
import type { ValidationIssue } from './issues.ts';
import { issue } from './issues.ts';
import { labels } from './labels.ts';
import { isL4Protocol, normalizeBackendProtocol } from './protocols.ts';

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

function requireLabels(object: Obj, wanted: Array<{ key: string; what: string }>, out: ValidationIssue[]): void {
  const metadata = isObj(object.metadata) ? object.metadata : {};
  const present = isObj(metadata.labels) ? metadata.labels : {};
  for (const { key, what } of wanted) {
    const value = present[key];
    if (typeof value !== 'string' || value === '')
      out.push(issue(['metadata', 'labels', key], issueCodes.label, `is required: ${what}`));
  }
}

function checkServiceGroup(group: unknown, at: Segment[], out: ValidationIssue[]): void {
  if (!isObj(group) || !Array.isArray(group.services)) return;
  group.services.forEach((service, i) => {
    if (isObj(service) && typeof service.weight === 'number' && service.weight > 100)
      out.push(
        issue(
          [...at, 'services', i, 'weight'],
          issueCodes.clamped,
          `is ${service.weight}; weights above 100 count as 100 (as in ALB), so write 0-100`,
        ),
      );
  });
}

function checkBackendProtocol(spec: Obj, out: ValidationIssue[]): void {
  const value = spec.backendProtocol;
  if (typeof value === 'string' && normalizeBackendProtocol(value) === null)
    out.push(
      issue(
        ['spec', 'backendProtocol'],
        issueCodes.enum,
        `must be one of http, https, grpc (any case) or "", got ${describe(value)}`,
      ),
    );
}

export function checkFrontend(object: Obj, domain: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  requireLabels(object, [{ key: labels(domain).name, what: 'the name of the ALB this Frontend belongs to' }], out);
  if (!isObj(object.spec)) return out;
  const spec = object.spec;
  checkServiceGroup(spec.serviceGroup, ['spec', 'serviceGroup'], out);
  checkBackendProtocol(spec, out);
  const group = spec.serviceGroup;
  const hasBackend = isObj(group) && Array.isArray(group.services) && group.services.length > 0;
  if (typeof spec.protocol === 'string' && isL4Protocol(spec.protocol) && !hasBackend)
    out.push(
      issue(
        ['spec', 'serviceGroup', 'services'],
        issueCodes.noBackend,
        `a ${spec.protocol} Frontend sends every connection to its services; with none, connections are refused`,
      ),
    );
  return out;
}

export function checkRule(object: Obj, domain: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const keys = labels(domain);
  requireLabels(
    object,
    [
      { key: keys.name, what: 'the name of the ALB this Rule belongs to' },
      { key: keys.frontend, what: 'the name of the Frontend this Rule belongs to' },
    ],
    out,
  );
  if (!isObj(object.spec)) return out;
  const spec = object.spec;
  if (spec.dslx !== undefined) {
    for (const problem of validateDslx(spec.dslx, 'spec.dslx'))
      out.push({
        path: problem.path,
        message: problem.message,
        code: issueCodes.dslx,
        severity: 'error',
        cause: problem.code,
      });
  }
  checkServiceGroup(spec.serviceGroup, ['spec', 'serviceGroup'], out);
  checkBackendProtocol(spec, out);
  return out;
}

/** One entry of an ALB2's `portProjects`: an inclusive port range (`start === end` for a single port). */
export type PortProject = { port: string; start: number; end: number; projects: string[] };

/**
 * An ALB2's `portProjects` JSON string (`[{"port":"113-333","projects":["p1"]}]`) as entries, or the problem that
 * stops it. Ranges are inclusive, within 1-65535, with start < end as ALB requires; overlaps are not checked here.
 */
export function parsePortProjects(
  text: string,
): { entries: PortProject[]; problem: null } | { entries: null; problem: string } {
  const fail = (problem: string) => ({ entries: null, problem });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('is not valid JSON');
  }
  if (!Array.isArray(parsed)) return fail('must be a JSON list');
  const entries: PortProject[] = [];
  for (const [i, entry] of parsed.entries()) {
    if (!isObj(entry)) return fail(`entry ${i} must be an object with port and projects`);
    const port = entry.port;
    const range = typeof port === 'string' ? /^(\d+)(?:-(\d+))?$/.exec(port) : null;
    if (range === null) return fail(`entry ${i}: port must be a string like "80" or "113-333", got ${describe(port)}`);
    const start = Number(range[1]);
    const end = range[2] === undefined ? start : Number(range[2]);
    if (start < 1 || end > 65535 || (range[2] !== undefined && start >= end))
      return fail(`entry ${i}: port range ${port} must be within 1-65535 with start < end`);
    if (!Array.isArray(entry.projects) || !entry.projects.every((p) => typeof p === 'string'))
      return fail(`entry ${i}: projects must be a list of project names`);
    entries.push({ port: port as string, start, end, projects: [...entry.projects] });
  }
  return { entries, problem: null };
}

/** Problem with a `portProjects` JSON string, or null. */
export function portProjectsProblem(text: string): string | null {
  return parsePortProjects(text).problem;
}

/** Problem with a `bindNIC` JSON string, or null. */
export function bindNicProblem(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (!isObj(parsed)) return 'must be a JSON object';
  const nic = parsed.nic;
  if (nic !== undefined && !(Array.isArray(nic) && nic.every((n) => typeof n === 'string')))
    return 'nic must be a list of interface names';
  return null;
}

export function checkAlb2(object: Obj): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const config = isObj(object.spec) && isObj(object.spec.config) ? object.spec.config : null;
  if (config === null) return out;
  if (typeof config.portProjects === 'string' && config.portProjects !== '') {
    const problem = portProjectsProblem(config.portProjects);
    if (problem !== null)
      out.push(
        issue(
          ['spec', 'config', 'portProjects'],
          issueCodes.format,
          `must be a JSON list like [{"port":"113-333","projects":["p1"]}]: ${problem}`,
        ),
      );
  }
  if (typeof config.bindNIC === 'string' && config.bindNIC !== '') {
    const problem = bindNicProblem(config.bindNIC);
    if (problem !== null)
      out.push(
        issue(['spec', 'config', 'bindNIC'], issueCodes.format, `must be JSON like {"nic":["eth0"]}: ${problem}`),
      );
  }
  return out;
}
