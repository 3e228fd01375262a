import type { RequestHeaderRewrite, ResponseHeaderRewrite } from '../config.ts';
import type { RequestContext } from './request-context.ts';
import { compileVariable, type VariableReader } from './variables.ts';

/** Outgoing header fields as `[name, value, name, value, ...]`, edited in place. */
export type HeaderList = string[];

type Op =
  | { kind: 'set'; name: string; lower: string; value: string | VariableReader }
  | { kind: 'remove'; lower: string }
  | { kind: 'add'; name: string; value: string | VariableReader };

export type HeaderRewrite = { ops: Op[] };

/**
 * ALB's rewrite-request: set, then set from a variable, then remove, then add, then add from a variable.
 * Unknown variable names are reported (the caller names the field) instead of silently setting nothing.
 */
export function compileRequestHeaderRewrite(
  config: RequestHeaderRewrite | null | undefined,
  unknownVariable: (name: string) => void,
): HeaderRewrite | null {
  if (config === null || config === undefined) return null;
  const ops: Op[] = [];
  const variable = (name: string): VariableReader | null => {
    const reader = compileVariable(name);
    if (reader === null) unknownVariable(name);
    return reader;
  };
  for (const [name, value] of Object.entries(config.headers ?? {}))
    ops.push({ kind: 'set', name, lower: name.toLowerCase(), value });
  for (const [name, varName] of Object.entries(config.headersVar ?? {})) {
    const reader = variable(varName);
    if (reader !== null) ops.push({ kind: 'set', name, lower: name.toLowerCase(), value: reader });
  }
  for (const name of config.headersRemove ?? []) ops.push({ kind: 'remove', lower: name.toLowerCase() });
  for (const [name, values] of Object.entries(config.headersAdd ?? {}))
    for (const value of values) ops.push({ kind: 'add', name, value });
  for (const [name, varNames] of Object.entries(config.headersAddVar ?? {})) {
    for (const varName of varNames) {
      const reader = variable(varName);
      if (reader !== null) ops.push({ kind: 'add', name, value: reader });
    }
  }
  return ops.length === 0 ? null : { ops };
}

/** ALB's rewrite-response: set, then remove, then add. */
export function compileResponseHeaderRewrite(config: ResponseHeaderRewrite | null | undefined): HeaderRewrite | null {
  if (config === null || config === undefined) return null;
  const ops: Op[] = [];
  for (const [name, value] of Object.entries(config.headers ?? {}))
    ops.push({ kind: 'set', name, lower: name.toLowerCase(), value });
  for (const name of config.headersRemove ?? []) ops.push({ kind: 'remove', lower: name.toLowerCase() });
  for (const [name, values] of Object.entries(config.headersAdd ?? {}))
    for (const value of values) ops.push({ kind: 'add', name, value });
  return ops.length === 0 ? null : { ops };
}

/** Applies the edits to `headers`; a variable that has no value in this request sets or adds nothing. */
export function applyHeaderRewrite(rewrite: HeaderRewrite, headers: HeaderList, ctx: RequestContext | null): void {
  for (const op of rewrite.ops) {
    if (op.kind === 'add') {
      const value = typeof op.value === 'string' ? op.value : ctx === null ? undefined : op.value(ctx);
      if (value !== undefined) headers.push(op.name, value);
      continue;
    }
    if (op.kind === 'set') {
      const value = typeof op.value === 'string' ? op.value : ctx === null ? undefined : op.value(ctx);
      if (value === undefined) continue;
      removeHeader(headers, op.lower);
      headers.push(op.name, value);
      continue;
    }
    removeHeader(headers, op.lower);
  }
}

export function removeHeader(headers: HeaderList, lower: string): void {
  let w = 0;
  for (let r = 0; r < headers.length; r += 2) {
    if (headers[r]!.toLowerCase() === lower) continue;
    headers[w++] = headers[r]!;
    headers[w++] = headers[r + 1]!;
  }
  headers.length = w;
}
