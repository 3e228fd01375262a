import { RE2JS } from 're2js';

/**
 * Regular expressions from rules run on client input, so they run on RE2JS, a linear-time engine: no pattern can
 * stall the process however the input is crafted. RE2 syntax is PCRE's minus backreferences and lookaround; those
 * are rejected with an explanation instead of silently behaving differently.
 */
export type SafeRegex = {
  readonly source: string;
  /** Unanchored search, like ALB's `ngx.re.match(value, pattern)`. */
  test(input: string): boolean;
  /** The first match with its capture groups (`undefined` for groups that did not take part), or null. */
  exec(input: string): { index: number; end: number; groups: Array<string | undefined> } | null;
};

export type RegexProblem = { message: string; unsafe: boolean };

const unsupported: Array<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported'],
  [/\\[1-9]|\\k</, 'backreferences (\\1, \\k<name>) are not supported'],
  [/\(\?>/, 'atomic groups (?>...) are not supported'],
  [/[*+?}]\+/, 'possessive quantifiers (*+, ++, ?+) are not supported'],
];

/** Why `pattern` cannot be used, or null when it compiles. */
export function checkRegex(pattern: string): RegexProblem | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (err) {
    for (const [feature, why] of unsupported) {
      if (feature.test(pattern)) {
        return { message: `${why}: REGEX runs on a linear-time engine (RE2 syntax) so it cannot stall`, unsafe: true };
      }
    }
    const detail = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    return { message: `invalid regex: ${detail}`, unsafe: false };
  }
}

/** Compiles a pattern already accepted by `checkRegex`; throws the engine's error otherwise. */
export function compileSafeRegex(pattern: string): SafeRegex {
  const re = RE2JS.compile(pattern);
  const groupCount = re.groupCount();
  return {
    source: pattern,
    test: (input) => re.test(input),
    exec(input) {
      const m = re.matcher(input);
      if (!m.find()) return null;
      const groups: Array<string | undefined> = [];
      for (let i = 0; i <= groupCount; i++) {
        const g = m.group(i);
        groups.push(g === null ? undefined : g);
      }
      return { index: m.start(), end: m.end(), groups };
    },
  };
}

/**
 * A pattern already accepted by `checkRegex`, compiled on its first use. A compiled RE2JS program takes ~13 KB;
 * a rule table's regexes then cost memory only once requests reach them (validation already proved they compile).
 */
export class LazySafeRegex implements SafeRegex {
  readonly source: string;
  private compiled: SafeRegex | null = null;

  constructor(pattern: string) {
    this.source = pattern;
  }

  test(input: string): boolean {
    return (this.compiled ??= compileSafeRegex(this.source)).test(input);
  }

  exec(input: string): ReturnType<SafeRegex['exec']> {
    return (this.compiled ??= compileSafeRegex(this.source)).exec(input);
  }
}
