// An Ingress host and path -> DSLX (Alauda ALB: ingress/ingress_sync.go GetDSLX; docs/architecture.md item 1).
import type { DslxTerm } from '@alb/crd-types';
import { checkRegex } from '@alb/dslx';
import type { RegexCheck } from './regex-check.ts';

/** On failure, `field` says whether the `path` or the `pathType` is at fault. */
export type Match = { ok: true; dslx: DslxTerm[] } | { ok: false; field: 'path' | 'pathType'; message: string };

const regexChars = /[\^$():?[\]*\\]/;
const hostPattern = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a (lower-cased) Ingress host is unusable, or null. `*.example.com` is a one-label wildcard. */
export function hostProblem(host: string): string | null {
  if (host === '' || (hostPattern.test(host) && host.length <= 253)) return null;
  return `${JSON.stringify(host)} is not a DNS name or a "*." wildcard (one label deep, at the front)`;
}

/**
 * `Exact` -> URL EQ; `Prefix` -> URL PATH_PREFIX (segment-aware, as the Ingress spec says); `ImplementationSpecific`
 * (or no type) as ALB: REGEX anchored with `^` when the path has any of `^$():?[]*\`, else a raw STARTS_WITH.
 * Then the host: `*.d` -> HOST ENDS_WITH (one label), else HOST EQ. No host and no path matches every request.
 */
export function pathMatch(
  host: string,
  path: string,
  pathType: string | undefined,
  check: RegexCheck = checkRegex,
): Match {
  const dslx: DslxTerm[] = [];
  const type = pathType ?? 'ImplementationSpecific';
  if (type === 'Exact' || type === 'Prefix') {
    if (!path.startsWith('/'))
      return { ok: false, field: 'path', message: `a ${type} path must start with "/", got ${JSON.stringify(path)}` };
    dslx.push({ type: 'URL', values: [[type === 'Exact' ? 'EQ' : 'PATH_PREFIX', path]] });
  } else if (type === 'ImplementationSpecific') {
    if (path !== '') {
      if (regexChars.test(path)) {
        const pattern = path.startsWith('^') ? path : `^${path}`;
        const problem = check(pattern);
        if (problem !== null)
          return {
            ok: false,
            field: 'path',
            message: `the path is used as a regular expression and ${problem.message}`,
          };
        dslx.push({ type: 'URL', values: [['REGEX', pattern]] });
      } else dslx.push({ type: 'URL', values: [['STARTS_WITH', path]] });
    }
  } else
    return {
      ok: false,
      field: 'pathType',
      message: `pathType must be Exact, Prefix or ImplementationSpecific, got ${JSON.stringify(type)}`,
    };
  if (host !== '') dslx.push({ type: 'HOST', values: [[host.startsWith('*') ? 'ENDS_WITH' : 'EQ', host]] });
  if (dslx.length === 0) dslx.push({ type: 'URL', values: [['STARTS_WITH', '/']] });
  return { ok: true, dslx };
}

/** The display-only `spec.dsl` ALB writes: Go's `%v` of the dslx, e.g. `[{[[PATH_PREFIX /a]] URL }]`. */
export function searchableDsl(dslx: readonly DslxTerm[]): string {
  const terms = dslx.map(
    (t) => `{[${t.values.map((row) => `[${row.join(' ')}]`).join(' ')}] ${t.type} ${t.key ?? ''}}`,
  );
  return `[${terms.join(' ')}]`;
}
