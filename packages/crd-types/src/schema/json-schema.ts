/**
 * Who honours a field. Everything is validated here; these say which (planned) component acts on it, per
 * docs/architecture.md. `display`: informational by design; `status`: written by ALB; `k8s`: standard object fields;
 * `ignored`: accepted and ignored (the description says why); `unplanned`: accepted and validated, but no
 * component is scheduled to honour it yet.
 */
export type FieldUse =
  | 'proxy-core'
  | 'alb-instance'
  | 'ingress-translator'
  | 'operator'
  | 'admin-api'
  | 'display'
  | 'status'
  | 'k8s'
  | 'ignored'
  | 'unplanned';

/**
 * The subset of JSON Schema (draft-07 with `$defs`) these schemas use, typed so a typo in a keyword fails to
 * compile. Every keyword here is understood by ajv, json-schema-to-typescript and the CRD generator.
 */
export type JsonSchema = {
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  /** `false` closes an object (unknown fields are reported); a schema describes a map's values. */
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: 'int32' | 'int64' | 'date-time';
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-list-type'?: 'map' | 'set' | 'atomic';
  'x-kubernetes-list-map-keys'?: readonly string[];
  /** Who honours the field; inherited by nested fields that do not say. */
  'x-alb-use'?: readonly FieldUse[];
  /** What a `pattern` expects, in words, for the validation message (`must look like <this>`). */
  'x-alb-format'?: string;
  /**
   * The API server enforces this node's value rules (enum, range, pattern, length, required) and its subtree's.
   * Elsewhere the CRD keeps only types and structure, so YAML that Alauda ALB accepted still applies; ALB
   * reports the rest in `status.conditions`.
   */
  'x-alb-apiserver'?: true;
};

/** Vendor keywords the validators must tolerate (ajv vocabulary) and the CRD generator handles. */
export const vendorKeywords = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-alb-use',
  'x-alb-format',
  'x-alb-apiserver',
] as const;

/** A reference to a named type in the schema document's `$defs`. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/$defs/${name}` };
}

/** A map of strings (labels, annotations, selectors). */
export function stringMap(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', description, additionalProperties: { type: 'string' }, ...extra };
}

export function stringList(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'array', description, items: { type: 'string' }, ...extra };
}
