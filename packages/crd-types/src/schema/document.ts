// The one schema document every artifact is generated from: TS types, ajv validators, CRD YAML, README tables.
import { alb2Defs } from './alb2.ts';
import { frontendDefs } from './frontend.ts';
import type { JsonSchema } from './json-schema.ts';
import { ruleDefs } from './rule.ts';
import { sharedDefs } from './shared.ts';

export const schemaId = 'https://alb.local/crd-types.json';

/** Every named type, keyed by name; refs are `#/$defs/<name>`. */
export const schemaDefs: Record<string, JsonSchema> = { ...alb2Defs, ...frontendDefs, ...ruleDefs, ...sharedDefs };

export const schemaDocument: JsonSchema = {
  $id: schemaId,
  title: 'AlbCrdTypes',
  description: 'The ALB API: ALB2, Frontend and Rule in crd.alauda.io.',
  $defs: schemaDefs,
};

/** The three kinds and the name of each one's root type. */
export const rootTypes = { alb2: 'Alb2', frontend: 'Frontend', rule: 'Rule' } as const;
