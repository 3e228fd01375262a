// The CRD schemas of @alb/crd-types as Fastify shared schemas: one per named type (`$id` = its name, refs
// `#/$defs/X` turned into `X#`), so routes validate with them and the OpenAPI document lists them as components.
import type { JsonSchema } from '@alb/crd-types';
import { schemaDefs } from '@alb/crd-types';
import { Type, type TUnsafe } from 'typebox';

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string' ? value.replace(/^#\/\$defs\/(.+)$/, '$1#') : rewriteRefs(value);
  }
  return out;
}

/** Every CRD type as a shared schema. */
export const crdSchemas: JsonSchema[] = Object.entries(schemaDefs).map(
  ([name, def]) => ({ ...(rewriteRefs(def) as JsonSchema), $id: name }) as JsonSchema,
);

/** A reference to a CRD type, typed with its generated TypeScript type. */
export function crdRef<T>(name: keyof typeof schemaDefs & string): TUnsafe<T> {
  if (schemaDefs[name] === undefined) throw new Error(`no CRD type ${name}`);
  return Type.Unsafe<T>({ $ref: `${name}#` });
}

/** A copy of a CRD type with other required fields (the API fills some in itself, e.g. a Frontend's port). */
export function crdVariant<T>(name: string, title: string, required: string[]): TUnsafe<T> {
  const def = schemaDefs[name];
  if (def === undefined) throw new Error(`no CRD type ${name}`);
  return Type.Unsafe<T>({ ...(rewriteRefs(def) as object), title, required });
}
