import { labels as albLabels, projectLabel } from '@alb/crd-types';
import type { ResolvedAlb } from '../config/resolve-alb.ts';
import { cleanupFinalizer } from './render-context.ts';

/** What the operator owns on the ALB2 itself. */
export type AlbMetadata = { labels: Record<string, string>; finalizers: string[] };

/**
 * ALB's project labels on the ALB2 (`project.<domain>/<p>: "true"` per project, `<domain>/role: port` in
 * port-project mode) and our finalizer (cluster-scoped children cannot be garbage-collected by owner).
 */
export function renderAlbMetadata(alb: ResolvedAlb, domain: string): AlbMetadata {
  const labels: Record<string, string> = {};
  for (const project of [...alb.projects].sort()) labels[projectLabel(project, domain)] = 'true';
  if (alb.enablePortProject) labels[albLabels(domain).role] = 'port';
  return { labels, finalizers: [cleanupFinalizer] };
}
