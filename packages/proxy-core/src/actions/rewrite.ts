import { compileSafeRegex, type SafeRegex } from '@alb/dslx';
import type { RewriteConfig } from '../config.ts';
import { replacePrefix } from './replace-prefix.ts';

export type Rewrite = { apply(path: string): string };

/**
 * ALB's URL rewrite (`l7_rewrite.lua`): the first match of `base` in the path is replaced by `target`, where `$0`..
 * `$9` and `${n}` are the captures and `$$` is a dollar; `base` `.*` replaces the whole path. The query string is
 * kept by the caller. Regexes run on the linear-time engine, as in DSLX.
 */
export function compileRewrite(config: RewriteConfig | null | undefined): Rewrite | null {
  if (config === null || config === undefined) return null;
  if (config.kind === 'prefix') {
    const { match, replace } = config;
    return { apply: (path) => replacePrefix(path, match, replace) };
  }
  const re = compileSafeRegex(config.base === '' ? '/' : config.base);
  const template = parseTemplate(config.target);
  return { apply: (path) => substituteFirst(re, template, path) };
}

type TemplatePart = string | number;

function parseTemplate(target: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < target.length; i++) {
    const c = target[i]!;
    if (c !== '$' || i + 1 >= target.length) {
      text += c;
      continue;
    }
    const next = target[i + 1]!;
    if (next === '$') {
      text += '$';
      i++;
    } else if (next >= '0' && next <= '9') {
      parts.push(text, Number(next));
      text = '';
      i++;
    } else if (next === '{') {
      const close = target.indexOf('}', i + 2);
      const n = close === -1 ? NaN : Number(target.slice(i + 2, close));
      if (Number.isInteger(n) && n >= 0) {
        parts.push(text, n);
        text = '';
        i = close;
      } else {
        text += c;
      }
    } else {
      text += c;
    }
  }
  parts.push(text);
  return parts;
}

function substituteFirst(re: SafeRegex, template: TemplatePart[], path: string): string {
  const m = re.exec(path);
  if (m === null) return path;
  let replacement = '';
  for (const part of template) replacement += typeof part === 'string' ? part : (m.groups[part] ?? '');
  return path.slice(0, m.index) + replacement + path.slice(m.end);
}

/** Validates a rewrite before it is compiled: the regex must be accepted by the linear-time engine. */
export { checkRegex as checkRewriteRegex } from '@alb/dslx';
