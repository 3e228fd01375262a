// Projects (Alauda ALB: ingress/project.go): a namespace's project is its `<domain>/project` label; an ALB serves the
// projects it lists (instance mode) or, in port-project mode, the projects of its Ingress Frontends.
import type { Frontend } from '@alb/crd-types';
import { labels } from '@alb/crd-types';
import { allProjects } from './alb-settings.ts';
import type { Namespace } from './kube-types.ts';

export function projectsByNamespace(namespaces: readonly Namespace[], domain: string): Map<string, string> {
  const key = labels(domain).project;
  const out = new Map<string, string>();
  for (const ns of namespaces) {
    const project = ns.metadata?.labels?.[key];
    if (typeof ns.metadata?.name === 'string' && typeof project === 'string') out.set(ns.metadata.name, project);
  }
  return out;
}

/** The projects a Frontend is labelled with (`project.<domain>/<p>: "true"`, legacy `project.<domain>/name`). */
export function frontendProjects(ft: Frontend, domain: string): Set<string> {
  const keys = labels(domain);
  const out = new Set<string>();
  for (const [key, value] of Object.entries(ft.metadata.labels ?? {})) {
    if (key === keys.legacyProject) {
      if (value !== '') out.add(value);
    } else if (key.startsWith(keys.projectPrefix) && value === 'true') out.add(key.slice(keys.projectPrefix.length));
  }
  return out;
}

/** `ALL_ALL` serves everything, unlabelled namespaces included; otherwise the project must be listed. */
export function serves(projects: ReadonlySet<string>, project: string): boolean {
  return projects.has(allProjects) || (project !== '' && projects.has(project));
}
