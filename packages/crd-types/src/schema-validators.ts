// Typed access to the generated ajv standalone validators (src/generated/validators.ts is plain JS).
import * as generated from './generated/validators.ts';
import type { AjvError } from './issues.ts';

export type SchemaValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

export const schemaValidators = {
  alb2: generated.validateAlb2 as unknown as SchemaValidator,
  frontend: generated.validateFrontend as unknown as SchemaValidator,
  rule: generated.validateRule as unknown as SchemaValidator,
};
