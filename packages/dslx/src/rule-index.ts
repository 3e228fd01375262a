import { isWildcardHost, pathPrefixBase, wildcardSuffix } from './compile.ts';
import { appendIndex, PrefixTree } from './prefix-tree.ts';
import { regexLiteralPrefix } from './regex-prefix.ts';
import type { ParsedTerm } from './syntax.ts';

/**
 * Narrows a rule table to the rules that can possibly match a request, by host then by path. A rule is filed
 * under what one of its terms requires (an exact or one-label-wildcard host; an exact path or a path prefix) or,
 * when no term constrains that attribute in an indexable way, under "any". The index never decides a match: the
 * candidates are still checked with the full matcher, in table order, so the winner is the linear scan's winner.
 */
export class RuleIndex {
  private readonly exactHosts = new Map<string, PathBucket>();
  /** Keyed by the suffix after the wildcard label: `*.app.com` is filed under `app.com`. */
  private readonly wildcardHosts = new Map<string, PathBucket>();
  private readonly anyHost = new PathBucket();

  /** Files rule `index`; rules must be added in table order. */
  add(index: number, terms: ParsedTerm[]): void {
    const hosts = hostKeys(terms);
    const paths = pathKeys(terms);
    if (hosts === null) {
      this.anyHost.add(index, paths);
      return;
    }
    for (const host of hosts.exact) bucketFor(this.exactHosts, host).add(index, paths);
    for (const suffix of hosts.wildcard) bucketFor(this.wildcardHosts, suffix).add(index, paths);
  }

  /** Pushes onto `out` ascending lists of candidate indices for this host (lower-case, or undefined) and path. */
  collect(host: string | undefined, path: string, out: number[][]): void {
    if (host !== undefined) {
      if (this.exactHosts.size > 0) this.exactHosts.get(host)?.collect(path, out);
      if (this.wildcardHosts.size > 0) {
        const dot = host.indexOf('.');
        if (dot > 0) this.wildcardHosts.get(host.slice(dot + 1))?.collect(path, out);
      }
    }
    this.anyHost.collect(path, out);
  }
}

type PathKeys = { exact: string[]; prefix: string[] } | null;

class PathBucket {
  private readonly exact = new Map<string, number[]>();
  private readonly prefixes = new PrefixTree();
  private readonly any: number[] = [];

  add(index: number, paths: PathKeys): void {
    if (paths === null) {
      appendIndex(this.any, index);
      return;
    }
    for (const path of paths.exact) {
      let list = this.exact.get(path);
      if (list === undefined) this.exact.set(path, (list = []));
      appendIndex(list, index);
    }
    for (const prefix of paths.prefix) this.prefixes.insert(prefix, index);
  }

  collect(path: string, out: number[][]): void {
    if (this.exact.size > 0) {
      const list = this.exact.get(path);
      if (list !== undefined) out.push(list);
    }
    this.prefixes.collect(path, out);
    if (this.any.length > 0) out.push(this.any);
  }
}

function bucketFor(map: Map<string, PathBucket>, key: string): PathBucket {
  let bucket = map.get(key);
  if (bucket === undefined) map.set(key, (bucket = new PathBucket()));
  return bucket;
}

/** The hosts one HOST term requires (every row indexable), or null when no term pins the host down. */
function hostKeys(terms: ParsedTerm[]): { exact: string[]; wildcard: string[] } | null {
  for (const term of terms) {
    if (term.type !== 'HOST' || term.rows.length === 0) continue;
    const exact: string[] = [];
    const wildcard: string[] = [];
    let indexable = true;
    for (const row of term.rows) {
      const args = row.args.map((a) => a.toLowerCase());
      if (row.op === 'EQ' || row.op === 'IN') exact.push(...args);
      else if (row.op === 'ENDS_WITH' && isWildcardHost(args[0]!)) wildcard.push(wildcardSuffix(args[0]!).slice(1));
      else indexable = false;
    }
    if (indexable) return { exact, wildcard };
  }
  return null;
}

/** The paths or path prefixes one URL term requires (every row indexable), or null. An anchored REGEX with a
 * literal start (`^/api/v[0-9]`) requires that start as a prefix. */
function pathKeys(terms: ParsedTerm[]): PathKeys {
  for (const term of terms) {
    if (term.type !== 'URL' || term.rows.length === 0) continue;
    const exact: string[] = [];
    const prefix: string[] = [];
    let indexable = true;
    for (const row of term.rows) {
      if (row.op === 'EQ' || row.op === 'IN') exact.push(...row.args);
      else if (row.op === 'STARTS_WITH') prefix.push(row.args[0]!);
      // A segment-aware prefix implies the plain prefix without its trailing slashes.
      else if (row.op === 'PATH_PREFIX') prefix.push(pathPrefixBase(row.args[0]!));
      else if (row.op === 'REGEX' && regexLiteralPrefix(row.args[0]!) !== null)
        prefix.push(regexLiteralPrefix(row.args[0]!)!);
      else indexable = false;
    }
    if (indexable) return { exact, prefix };
  }
  return null;
}
