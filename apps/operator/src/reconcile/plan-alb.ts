// What the operator will make of one ALB2: its children and its own labels, or the problem that stops it. Pure:
// the reconciler applies the plan; golden tests pin it.
import { formatIssue, type ValidationIssue } from '@alb/crd-types';
import { resolveAlb, type ResolvedAlb } from '../config/resolve-alb.ts';
import { operatorCodes } from '../errors.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { renderAlbMetadata, type AlbMetadata } from '../render/alb-metadata.ts';
import { imageVersion } from '../render/image-version.ts';
import { renderChildren } from '../render/render-children.ts';
import type { Problem } from '../status/alb-status.ts';
import { withAppliedHash } from '../sync/up-to-date.ts';

export type PlanContext = {
  /** The operator's `--image`. */
  image: string;
  /** The operator's version (`overwrite.image[].target`). */
  version: string;
  domain: string;
};

export type AlbPlan =
  | {
      ok: true;
      alb: ResolvedAlb;
      version: string;
      metadata: AlbMetadata;
      children: KubeObject[];
      warnings: ValidationIssue[];
    }
  | { ok: false; problem: Problem; issues: ValidationIssue[] };

export function planAlb(
  alb: unknown,
  frontends: ReadonlyArray<{ port: number; protocol: string }>,
  ctx: PlanContext,
): AlbPlan {
  const resolution = resolveAlb(alb, ctx);
  if (!resolution.ok) {
    const errors = resolution.issues.filter((i) => i.severity === 'error');
    const code = errors.some((i) => i.code === operatorCodes.invalidName)
      ? operatorCodes.invalidName
      : operatorCodes.invalidSpec;
    return { ok: false, problem: { code, message: errors.map(formatIssue).join('; ') }, issues: resolution.issues };
  }
  const resolved = resolution.alb;
  const version = imageVersion(resolved.image);
  return {
    ok: true,
    alb: resolved,
    version,
    metadata: renderAlbMetadata(resolved, ctx.domain),
    children: renderChildren(resolved, { domain: ctx.domain, version, frontends }).map(withAppliedHash),
    warnings: resolution.warnings,
  };
}
