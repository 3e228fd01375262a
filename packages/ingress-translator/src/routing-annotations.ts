// rewrite-target, upstream-vhost, backend-protocol and CORS -> Rule spec fields (Alauda ALB:
// ingress/ingress_sync.go GenerateRule).
import type { BackendProtocol } from '@alb/crd-types';
import { normalizeBackendProtocol } from '@alb/crd-types';
import type { AnnotationContext } from './annotation-context.ts';
import { readSetting, readText } from './annotation-context.ts';
import { parseBool } from './annotation-values.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';

export type Routing = {
  rewriteTarget: string | undefined;
  vhost: string | undefined;
  /** From the annotation; undefined when absent or unsupported (then the Service's appProtocol may decide). */
  backendProtocol: BackendProtocol | undefined;
  enableCors: boolean;
  corsAllowHeaders: string | undefined;
  corsAllowOrigin: string | undefined;
};

export function routingFromAnnotations(ctx: AnnotationContext): Routing {
  return {
    rewriteTarget: readText(ctx, 'rewrite-target'),
    vhost: readText(ctx, 'upstream-vhost'),
    backendProtocol: backendProtocolFromAnnotation(ctx),
    enableCors: readSetting(ctx, 'enable-cors', parseBool) === true,
    corsAllowHeaders: readText(ctx, 'cors-allow-headers'),
    corsAllowOrigin: readText(ctx, 'cors-allow-origin'),
  };
}

/**
 * `HTTP`, `HTTPS` or `GRPC` in any case. ALB dropped the whole rule, silently, for any other value; here the rule
 * is kept with the default protocol and the value is reported.
 */
export function backendProtocolFromAnnotation(ctx: AnnotationContext): BackendProtocol | undefined {
  const found = ctx.ann.get('backend-protocol', ctx.r, ctx.p);
  if (found === undefined || found.value.trim() === '') return undefined;
  const protocol = normalizeBackendProtocol(found.value.trim());
  if (protocol !== null && protocol !== '') return protocol;
  ctx.report(
    'warning',
    diagnosticCodes.backendProtocol,
    annotationField(found.key),
    `backend protocol ${JSON.stringify(found.value)} is not supported (HTTP, HTTPS or GRPC); ` +
      'the path is served with the default protocol instead',
  );
  return undefined;
}
