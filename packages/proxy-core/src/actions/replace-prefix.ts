/**
 * ALB's `replace_prefix_match.lua` (Gateway API ReplacePrefixMatch): when `path` starts with `match`, the prefix
 * becomes `replace`, joined to the rest with exactly one `/`; an empty result is `/`. Paths without the prefix are
 * left alone.
 */
export function replacePrefix(path: string, match: string, replace: string): string {
  if (!path.startsWith(match)) return path;
  const rest = path.slice(match.length);
  let prefix = replace;
  const prefixEndsWithSlash = prefix.endsWith('/');
  const restStartsWithSlash = rest.startsWith('/');
  if (prefixEndsWithSlash && restStartsWithSlash) prefix = prefix.slice(0, -1);
  const separator = prefixEndsWithSlash || restStartsWithSlash || rest === '' ? '' : '/';
  const joined = prefix + separator + rest;
  return joined === '' ? '/' : joined;
}
