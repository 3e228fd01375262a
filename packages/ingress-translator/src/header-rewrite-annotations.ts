// alb.ingress.<domain>/rewrite-request|rewrite-response (JSON) -> the Rule annotations
// alb.rule.<domain>/rewrite-request|rewrite-response, copied verbatim once checked
// (Alauda ALB: pkg/controller/extctl/header_moidy_ctl.go).
import type { AnnotationContext } from './annotation-context.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';

type Shape = 'map' | 'list' | 'mapOfLists';

const shapeNames: Record<Shape, string> = {
  map: 'an object of strings',
  list: 'a list of strings',
  mapOfLists: 'an object of string lists',
};

const requestShape: Record<string, Shape> = {
  headers: 'map',
  headers_var: 'map',
  headers_remove: 'list',
  headers_add: 'mapOfLists',
  headers_add_var: 'mapOfLists',
};
const responseShape: Record<string, Shape> = { headers: 'map', headers_remove: 'list', headers_add: 'mapOfLists' };

export type HeaderRewrites = { request: string | undefined; response: string | undefined };

export function headerRewritesFromAnnotations(ctx: AnnotationContext): HeaderRewrites {
  return {
    request: checked(ctx, 'rewrite-request', requestShape, false),
    response: checked(ctx, 'rewrite-response', responseShape, true),
  };
}

function checked(
  ctx: AnnotationContext,
  name: string,
  shape: Record<string, Shape>,
  needsContent: boolean,
): string | undefined {
  const found = ctx.ann.getAlb(name, ctx.r, ctx.p);
  if (found === undefined) return undefined;
  const problem = shapeProblem(found.value, shape, needsContent);
  if (problem === null) return found.value;
  ctx.report('warning', diagnosticCodes.badAnnotation, annotationField(found.key), `${problem}; ignored`);
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');

function shapeProblem(text: string, shape: Record<string, Shape>, needsContent: boolean): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  const fields = Object.keys(shape).join(', ');
  if (!isObject(value)) return `must be a JSON object with ${fields}`;
  let content = false;
  for (const [key, field] of Object.entries(value)) {
    const want = shape[key];
    if (want === undefined) return `has an unknown field ${JSON.stringify(key)} (expected ${fields})`;
    const good =
      want === 'list'
        ? isStringList(field)
        : isObject(field) &&
          Object.values(field).every((v) => (want === 'map' ? typeof v === 'string' : isStringList(v)));
    if (!good) return `${key} must be ${shapeNames[want]}`;
    if (Array.isArray(field) ? field.length > 0 : Object.keys(field as object).length > 0) content = true;
  }
  if (needsContent && !content) return `sets nothing (${fields} are all empty)`;
  return null;
}
