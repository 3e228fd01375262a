// ModSecurity annotations -> Rule `spec.config.modsecurity` and the `modsecurity-snippet` Rule annotation
// (Alauda ALB: pkg/controller/ext/waf).
import type { ModsecurityConfig } from '@alb/crd-types';
import { annotations } from '@alb/crd-types';
import type { AnnotationContext } from './annotation-context.ts';
import { parseAnnotation, readSetting, readText } from './annotation-context.ts';
import type { Parsed } from './annotation-values.ts';
import { parseBool } from './annotation-values.ts';

export type ModsecurityResult = { modsecurity: ModsecurityConfig; snippet: string | undefined };

/** Nothing unless `enable-modsecurity` is set (to true or false: false turns the WAF off for this path). */
export function modsecurityFromAnnotations(ctx: AnnotationContext): ModsecurityResult | undefined {
  if (readText(ctx, 'enable-modsecurity') === undefined) return undefined;
  const enable = readSetting(ctx, 'enable-modsecurity', parseBool);
  if (enable === undefined) return undefined;
  const out: ModsecurityConfig = { enable };
  if (readSetting(ctx, 'enable-owasp-core-rules', parseBool) === true) out.useCoreRules = true;
  const transactionId = readText(ctx, 'modsecurity-transaction-id');
  if (transactionId !== undefined) out.transactionId = transactionId;
  const keys = annotations(ctx.ann.domain);
  const cmRef = parseAnnotation(ctx, ctx.ann.raw(keys.ingressModsecurityCmRef), (text) =>
    parseCmRef(text, ctx.namespace),
  );
  if (cmRef !== undefined) out.cmRef = cmRef;
  const recommend = parseAnnotation(ctx, ctx.ann.raw(keys.ingressModsecurityUseRecommend), parseBool);
  if (recommend !== undefined) out.useRecommend = recommend;
  const snippet = ctx.ann.get('modsecurity-snippet', ctx.r, ctx.p)?.value;
  return { modsecurity: out, snippet: snippet === undefined || snippet.trim() === '' ? undefined : snippet };
}

/** `<namespace>/<configmap>#<key>`; a bare `<configmap>#<key>` is in the Ingress namespace. */
function parseCmRef(text: string, namespace: string): Parsed<string> {
  const match = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/)?([a-z0-9]([-a-z0-9.]*[a-z0-9])?)#(\S+)$/.exec(text.trim());
  if (match === null)
    return { ok: false, message: `must be "<namespace>/<configmap>#<key>", got ${JSON.stringify(text)}` };
  return { ok: true, value: `${match[1] ?? namespace}/${match[3]}#${match[5]}` };
}
