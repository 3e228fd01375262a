import { ops, sources, type Row, type TermMatcher } from './compile.ts';
import { appendIndex, compactList, PrefixTree, type IndexList } from './prefix-tree.ts';
import { regexLiteralPrefix } from './regex-prefix.ts';
import type { SafeRegex } from './safe-regex.ts';

/** Candidates for one key: few rules as a plain list, more split further by path. */
type Slot = IndexList | PathBucket;

/** Up to this many rules under one host are tried one by one; more get a path index of their own. */
const smallSlot = 8;

/** What the index reads of a rule: its compiled terms, terms[start[i]..start[i + 1]) for rule i. */
export type IndexedTerms = { readonly terms: readonly TermMatcher[]; readonly start: Int32Array };

/**
 * Narrows a rule table to the rules that can possibly match a request, by host then by path. A rule is filed
 * under what one of its terms requires (an exact or one-label-wildcard host; an exact path or a path prefix) or,
 * when no term constrains that attribute in an indexable way, under "any". The index never decides a match: the
 * candidates are still checked with the full matcher, in table order, so the winner is the linear scan's winner.
 * A host with few rules keeps just their list (most hosts: one Ingress host, a handful of paths); only a crowded
 * one gets a path index, so the index costs about one Map entry per host.
 */
export class RuleIndex {
  private readonly exactHosts: Map<string, Slot>;
  /** Keyed by the suffix after the wildcard label: `*.app.com` is filed under `app.com`. */
  private readonly wildcardHosts: Map<string, Slot>;
  private readonly anyHost: Slot;

  /** Indexes rules 0..count-1, in table order. */
  constructor(rules: IndexedTerms, count: number) {
    const exact = new Map<string, Slot>();
    const wildcard = new Map<string, Slot>();
    const any: number[] = [];
    const file = (row: Row, i: number) => {
      if (row.op === ops.wildcardHost) addTo(wildcard, (row.arg as string).slice(1), i);
      else if (row.op === ops.eq) addTo(exact, row.arg as string, i);
      else for (const host of row.arg as Iterable<string>) addTo(exact, host, i);
    };
    for (let i = 0; i < count; i++) {
      const host = keyTerm(rules.terms, rules.start[i]!, rules.start[i + 1]!, sources.host);
      if (host === null) any.push(i);
      else if (host.op === ops.anyRow) for (const row of host.arg as readonly Row[]) file(row, i);
      else file(host, i);
    }
    this.exactHosts = finishSlots(exact, rules);
    this.wildcardHosts = finishSlots(wildcard, rules);
    this.anyHost = slotFor(any, rules);
  }

  /** Pushes onto `out` ascending candidate lists (a lone index stands for a list of one) for this host and path. */
  collect(host: string | undefined, path: string, out: IndexList[]): void {
    if (host !== undefined) {
      if (this.exactHosts.size > 0) collectSlot(this.exactHosts.get(host), path, out);
      if (this.wildcardHosts.size > 0) {
        const dot = host.indexOf('.');
        if (dot > 0) collectSlot(this.wildcardHosts.get(host.slice(dot + 1)), path, out);
      }
    }
    collectSlot(this.anyHost, path, out);
  }
}

function collectSlot(slot: Slot | undefined, path: string, out: IndexList[]): void {
  if (slot === undefined) return;
  if (slot instanceof PathBucket) slot.collect(path, out);
  else if (typeof slot === 'number' || slot.length > 0) out.push(slot);
}

/** While building, a slot is a bare index or a growing list. */
function addTo(map: Map<string, Slot>, key: string, index: number): void {
  const slot = map.get(key);
  if (slot === undefined) map.set(key, index);
  else if (typeof slot === 'number') {
    if (slot !== index) map.set(key, [slot, index]);
  } else appendIndex(slot as number[], index);
}

/** Replaces each growing list by its final form (setting existing keys: the Map keeps its size). */
function finishSlots(map: Map<string, Slot>, rules: IndexedTerms): Map<string, Slot> {
  for (const [key, slot] of map) if (typeof slot !== 'number') map.set(key, slotFor(slot as number[], rules));
  return map;
}

function slotFor(list: number[], rules: IndexedTerms): Slot {
  return list.length <= smallSlot ? compactList(list) : new PathBucket(list, rules);
}

class PathBucket {
  private readonly exact: Map<string, IndexList> | null = null;
  private readonly prefixes: PrefixTree | null = null;
  private readonly any: IndexList;

  constructor(list: readonly number[], rules: IndexedTerms) {
    const exact = new Map<string, Slot>();
    const prefixes = new PrefixTree();
    const any: number[] = [];
    const file = (row: Row, i: number) => {
      const prefix = pathPrefixOf(row);
      if (prefix !== null) prefixes.insert(prefix, i);
      else if (row.op === ops.eq) addTo(exact, row.arg as string, i);
      else for (const path of row.arg as Iterable<string>) addTo(exact, path, i);
    };
    for (const i of list) {
      const path = keyTerm(rules.terms, rules.start[i]!, rules.start[i + 1]!, sources.url);
      if (path === null) any.push(i);
      else if (path.op === ops.anyRow) for (const row of path.arg as readonly Row[]) file(row, i);
      else file(path, i);
    }
    if (exact.size > 0) {
      for (const [path, slot] of exact) if (typeof slot !== 'number') exact.set(path, compactList(slot as number[]));
      this.exact = exact as Map<string, IndexList>;
    }
    if (!prefixes.isEmpty()) this.prefixes = prefixes.compacted();
    this.any = compactList(any);
  }

  collect(path: string, out: IndexList[]): void {
    if (this.exact !== null) {
      const list = this.exact.get(path);
      if (list !== undefined) out.push(list);
    }
    this.prefixes?.collect(path, out);
    if (typeof this.any === 'number' || this.any.length > 0) out.push(this.any);
  }
}

/**
 * The first term of `source` whose every row is indexable (HOST: EQ, IN, one-label wildcard; URL: EQ, IN,
 * STARTS_WITH, PATH_PREFIX, anchored REGEX with a literal start), or null when no term pins that value down.
 */
function keyTerm(terms: readonly TermMatcher[], from: number, to: number, source: number): TermMatcher | null {
  const isKey = source === sources.host ? isHostKey : isPathKey;
  for (let t = from; t < to; t++) {
    const term = terms[t]!;
    if (term.source !== source) continue;
    if (term.op === ops.anyRow ? (term.arg as readonly Row[]).every(isKey) : isKey(term)) return term;
  }
  return null;
}

function isHostKey(row: Row): boolean {
  return row.op === ops.eq || row.op === ops.inList || row.op === ops.inSet || row.op === ops.wildcardHost;
}

function isPathKey(row: Row): boolean {
  return row.op === ops.eq || row.op === ops.inList || row.op === ops.inSet || pathPrefixOf(row) !== null;
}

/** The prefix a URL row requires, or null for EQ/IN rows (and rows that are not keys). A segment-aware prefix
 * implies the plain prefix without its trailing slashes; an anchored REGEX with a literal start (`^/api/v[0-9]`)
 * requires that start. */
function pathPrefixOf(row: Row): string | null {
  switch (row.op) {
    case ops.startsWith:
    case ops.pathPrefix:
    case ops.pathRoot:
      return row.arg as string;
    case ops.regex:
      return regexLiteralPrefix((row.arg as SafeRegex).source);
    default:
      return null;
  }
}
