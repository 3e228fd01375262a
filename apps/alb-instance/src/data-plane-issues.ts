import type { ValidationIssue } from '@alb/crd-types';
import type { ApplyResult } from '@alb/proxy-core';
import { diagnosticCodes, type Diagnostic } from './diagnostics.ts';
import type { BuildResult } from './policy/build-policy.ts';

/**
 * What the data plane said about the config in force (rules it refused, ports it could not open), as diagnostics
 * on the objects they came from.
 */
export function dataPlaneDiagnostics(build: BuildResult, current: ApplyResult | null): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of current?.issues ?? []) {
    for (const key of sourcesOf(build, issue.port, issue.rule)) {
      out.push({
        object: objectOf(key),
        severity: 'error',
        code: diagnosticCodes.dataPlane,
        field: issue.field,
        message: `port ${issue.port}: ${issue.message}; the rule is not served`,
      });
    }
  }
  for (const failure of current?.failed ?? []) {
    for (const key of sourcesOf(build, failure.port, '(default backend)')) {
      out.push({
        object: objectOf(key),
        severity: 'error',
        code: diagnosticCodes.listen,
        field: 'spec.port',
        message: `cannot listen on port ${failure.port}: ${failure.error} (retried until it opens)`,
      });
    }
  }
  return out;
}

/**
 * The build's problems per Frontend and Rule, plus what the data plane refused: a Rule the data plane does not
 * serve must not be reported `Accepted=True`.
 */
export function withDataPlaneIssues(
  build: BuildResult,
  current: ApplyResult | null,
): ReadonlyMap<string, ValidationIssue[]> {
  const diagnostics = dataPlaneDiagnostics(build, current);
  if (diagnostics.length === 0) return build.issuesByObject;
  const merged = new Map(build.issuesByObject);
  for (const d of diagnostics) {
    const key = `${d.object.kind}/${d.object.namespace ?? ''}/${d.object.name}`;
    const issues = merged.get(key);
    if (issues === undefined) continue;
    merged.set(key, [...issues, { path: d.field, message: d.message, code: d.code, severity: d.severity }]);
  }
  return merged;
}

function sourcesOf(build: BuildResult, port: number, rule: string): readonly string[] {
  return build.ruleSources.get(`${port}/${rule}`) ?? [`Frontend//port ${port}`];
}

/** `Kind/namespace/name` back into a diagnostic's object. */
function objectOf(key: string): Diagnostic['object'] {
  const [kind = '', namespace = '', ...name] = key.split('/');
  const object: Diagnostic['object'] = { kind, name: name.join('/') };
  if (namespace !== '') object.namespace = namespace;
  return object;
}
