import type { Parsed } from './annotation-values.ts';
import type { Report } from './diagnostics.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';
import type { Annotation, IngressAnnotations } from './ingress-annotations.ts';

/** The annotations of one Ingress path (rule `r`, path `p`) and where to report problems. */
export type AnnotationContext = {
  ann: IngressAnnotations;
  r: number;
  p: number;
  /** The Ingress namespace: bare object names in annotations are resolved in it. */
  namespace: string;
  report: Report;
};

/**
 * An ingress-nginx setting parsed with `parse`: undefined when absent or bad (a bad one is reported as
 * `ALB_INGRESS_BAD_ANNOTATION`, with `severity`).
 */
export function readSetting<T>(
  ctx: AnnotationContext,
  name: string,
  parse: (text: string) => Parsed<T>,
  severity: 'warning' | 'error' = 'warning',
): T | undefined {
  return parseAnnotation(ctx, ctx.ann.get(name, ctx.r, ctx.p), parse, severity);
}

/** `found` (any annotation) parsed with `parse`; undefined when absent or bad (reported). */
export function parseAnnotation<T>(
  ctx: AnnotationContext,
  found: Annotation | undefined,
  parse: (text: string) => Parsed<T>,
  severity: 'warning' | 'error' = 'warning',
): T | undefined {
  if (found === undefined) return undefined;
  const parsed = parse(found.value);
  if (parsed.ok) return parsed.value;
  ctx.report(severity, diagnosticCodes.badAnnotation, annotationField(found.key), `${parsed.message}; ignored`);
  return undefined;
}

/** A non-empty string setting (surrounding blanks removed), or undefined. */
export function readText(ctx: AnnotationContext, name: string): string | undefined {
  const value = ctx.ann.get(name, ctx.r, ctx.p)?.value.trim();
  return value === undefined || value === '' ? undefined : value;
}
