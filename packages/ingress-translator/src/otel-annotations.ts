// OpenTelemetry annotations -> Rule `spec.config.otel` (Alauda ALB: pkg/controller/ext/otel).
import type { OtelConfig } from '@alb/crd-types';
import { formatIssue, labels, parseRule } from '@alb/crd-types';
import type { AnnotationContext } from './annotation-context.ts';
import { readSetting } from './annotation-context.ts';
import { parseBool } from './annotation-values.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';

/**
 * `alb.ingress.<domain>/otel` (JSON, the Rule's otel object) wins; without it, `enable-opentelemetry` and
 * `opentelemetry-trust-incoming-spans` build a small one. As in ALB, an otel JSON with `enable` not true adds
 * nothing, and a trust annotation alone turns tracing on.
 */
export function otelFromAnnotations(ctx: AnnotationContext): OtelConfig | undefined {
  const json = ctx.ann.getAlb('otel', ctx.r, ctx.p);
  if (json !== undefined) {
    const otel = parseOtelJson(json.value, ctx.ann.domain);
    if (!otel.ok) {
      ctx.report('warning', diagnosticCodes.badAnnotation, annotationField(json.key), `${otel.message}; ignored`);
      return undefined;
    }
    return otel.value.enable === true ? otel.value : undefined;
  }
  const enable = readSetting(ctx, 'enable-opentelemetry', parseBool);
  const trust = readSetting(ctx, 'opentelemetry-trust-incoming-spans', parseBool);
  if (enable === undefined && trust === undefined) return undefined;
  const out: OtelConfig = { enable: enable ?? true };
  if (trust !== undefined) out.flags = { notrust_incoming_span: !trust };
  return out;
}

type OtelParse = { ok: true; value: OtelConfig } | { ok: false; message: string };

const probeDslx = [{ type: 'URL' as const, values: [['STARTS_WITH', '/']] }];

/** Parses and checks an otel JSON against the Rule schema of @alb/crd-types (unknown keys are an error here). */
function parseOtelJson(text: string, domain: string): OtelParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'must be a JSON object (the Rule spec.config.otel), and is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: 'must be a JSON object (the Rule spec.config.otel)' };
  const keys = labels(domain);
  const probe = {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Rule',
    metadata: { name: 'otel-probe', labels: { [keys.name]: 'probe', [keys.frontend]: 'probe' } },
    spec: { dslx: probeDslx, config: { otel: value } },
  };
  const parsed = parseRule(probe, { domain });
  const first = parsed.issues[0];
  if (first !== undefined) return { ok: false, message: formatIssue(first).replace(/^spec\.config\./, '') };
  return { ok: true, value: parsed.value!.spec.config!.otel! };
}
