/**
 * The literal text every match of an anchored regex must start with: `^/api/v[0-9]+` gives `/api/v`. It lets the
 * rule index file REGEX paths (Ingress ImplementationSpecific paths are `^` + path) like prefixes. Conservative:
 * any construct it does not fully understand ends the prefix, and a top-level `|` (which unanchors the other
 * branches) gives none. Returns null when there is no useful prefix.
 */
export function regexLiteralPrefix(pattern: string): string | null {
  if (pattern.charCodeAt(0) !== 94 /* ^ */ || hasTopLevelAlternation(pattern)) return null;
  let prefix = '';
  let i = 1;
  while (i < pattern.length) {
    let literal: string;
    let next: number;
    const c = pattern[i]!;
    if (c === '\\') {
      const escaped = pattern[i + 1];
      // Only escaped punctuation is a literal; \d, \w, \b, \x41 and friends are classes or assertions.
      if (escaped === undefined || /[0-9A-Za-z]/.test(escaped)) break;
      literal = escaped;
      next = i + 2;
    } else if ('.[]()*+?{}|$^'.includes(c)) {
      break;
    } else {
      literal = c;
      next = i + 1;
    }
    const quantifier = pattern[next];
    if (quantifier === '*' || quantifier === '?' || quantifier === '{') break; // the literal may be absent
    prefix += literal;
    if (quantifier === '+') break; // present at least once; what follows may repeat it
    i = next;
  }
  return prefix === '' ? null : prefix;
}

function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
