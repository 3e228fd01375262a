import type { RequestContext } from '../actions/request-context.ts';
import { compileVariable, type VariableReader } from '../actions/variables.ts';

/** A configured string with nginx variables (`$host`, `${request_uri}`), compiled once into literal and variable parts. */
export type VarString = { readonly parts: ReadonlyArray<string | VariableReader>; readonly constant: string | null };

/** Variables forward auth adds to the header-rewrite set (ingress-nginx and ALB use them in auth URLs). */
const authVariables: Record<string, VariableReader> = {
  escaped_request_uri: (ctx) => encodeURIComponent(ctx.head.target),
  pass_access_scheme: (ctx) => ctx.scheme,
};

/**
 * Compiles `text`; each unknown variable is reported by name (the caller refuses the config). A `$` not followed
 * by a name is literal. Expansion returns undefined when a variable has no value in the request: the caller
 * fails closed, as ALB does ("var not found").
 */
export function compileVarString(text: string, unknownVariable: (name: string) => void): VarString {
  const parts: Array<string | VariableReader> = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      literal += c;
      i++;
      continue;
    }
    const braced = text[i + 1] === '{';
    let j = braced ? i + 2 : i + 1;
    while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
    const name = text.slice(braced ? i + 2 : i + 1, j);
    if (name === '' || (braced && text[j] !== '}')) {
      literal += c;
      i++;
      continue;
    }
    const reader = authVariables[name] ?? compileVariable(name);
    if (reader === null) unknownVariable(name);
    else {
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(reader);
    }
    i = braced ? j + 1 : j;
  }
  if (literal !== '') parts.push(literal);
  const constant = parts.every((p) => typeof p === 'string') ? parts.join('') : null;
  return { parts, constant };
}

/** The string for this request, or undefined when a variable it names has no value. */
export function expandVarString(vs: VarString, ctx: RequestContext): string | undefined {
  if (vs.constant !== null) return vs.constant;
  let out = '';
  for (const part of vs.parts) {
    if (typeof part === 'string') out += part;
    else {
      const value = part(ctx);
      if (value === undefined) return undefined;
      out += value;
    }
  }
  return out;
}
