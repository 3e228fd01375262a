import { rawQuery, rawQueryArg } from './path-encoding.ts';
import type { RequestContext } from './request-context.ts';

export type VariableReader = (ctx: RequestContext) => string | undefined;

/**
 * The nginx variables ALB's header rewrites may name (`headers_var`), compiled once into readers. Returns null for
 * a name we do not provide, so the config can be refused with the field named. Values are nginx's: `$uri` is the
 * decoded path, `$arg_*`, `$args` and `$request_uri` are raw (percent-encoding kept), `$http_*` and `$cookie_*`
 * are the header bytes. Whatever they hold, the head writer refuses a value that would carry CR, LF or NUL.
 */
export function compileVariable(name: string): VariableReader | null {
  const fixed = fixedVariables[name];
  if (fixed !== undefined) return fixed;
  if (name.startsWith('http_') && name.length > 5) {
    const header = name.slice(5).toLowerCase().replaceAll('_', '-');
    return (ctx) => ctx.view.header(header);
  }
  if (name.startsWith('cookie_') && name.length > 7) {
    const cookie = name.slice(7).toLowerCase();
    // ALB strips surrounding double quotes from cookie values.
    return (ctx) => stripQuotes(ctx.view.cookie(cookie));
  }
  if (name.startsWith('arg_') && name.length > 4) {
    const arg = name.slice(4);
    return (ctx) => rawQueryArg(ctx.head.target, arg);
  }
  return null;
}

const fixedVariables: Record<string, VariableReader> = {
  remote_addr: (ctx) => ctx.clientIp,
  host: (ctx) => ctx.view.host(),
  uri: (ctx) => ctx.view.path(),
  request_uri: (ctx) => ctx.head.target,
  args: (ctx) => rawQuery(ctx.head.target),
  query_string: (ctx) => rawQuery(ctx.head.target),
  scheme: (ctx) => ctx.scheme,
  server_port: (ctx) => String(ctx.port),
  request_method: (ctx) => ctx.head.method,
};

function stripQuotes(value: string | undefined): string | undefined {
  if (value !== undefined && value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
    return value.slice(1, -1);
  return value;
}
