/**
 * An ascending list of rule indices. A list of one is stored as the bare index: most lists hold one rule, and a
 * number costs nothing next to an array (an array of one takes ~56 bytes).
 */
export type IndexList = number | readonly number[];

/**
 * A radix tree of string prefixes, each carrying an ascending list of rule indices. `collect(text)` yields the
 * lists of every stored prefix of `text`, walking edge labels with `startsWith`: no allocation per lookup.
 */
export class PrefixTree {
  private readonly root = new PrefixNode('');

  insert(prefix: string, index: number): void {
    let node = this.root;
    let pos = 0;
    for (;;) {
      if (pos === prefix.length) {
        node.add(index);
        return;
      }
      const c = prefix.charCodeAt(pos);
      const child = node.children?.get(c);
      if (child === undefined) {
        const leaf = new PrefixNode(prefix.slice(pos));
        leaf.add(index);
        (node.children ??= new Map()).set(c, leaf);
        return;
      }
      const common = commonLength(child.label, prefix, pos);
      if (common < child.label.length) {
        // Split the edge so the new prefix ends on a node.
        const middle = new PrefixNode(child.label.slice(0, common));
        child.label = child.label.slice(common);
        middle.children = new Map([[child.label.charCodeAt(0), child]]);
        node.children!.set(c, middle);
        node = middle;
      } else {
        node = child;
      }
      pos += common;
    }
  }

  /** Pushes onto `out` the index list of each stored prefix of `text`, shortest first. */
  collect(text: string, out: IndexList[]): void {
    let node = this.root;
    let pos = 0;
    for (;;) {
      if (node.indices !== null) out.push(node.indices);
      const children = node.children;
      if (children === null || pos >= text.length) return;
      const child = children.get(text.charCodeAt(pos));
      if (child === undefined || !text.startsWith(child.label, pos)) return;
      pos += child.label.length;
      node = child;
    }
  }

  isEmpty(): boolean {
    return this.root.indices === null && this.root.children === null;
  }

  /** Once every prefix is in: lists of one become bare indices, the others exact-size arrays. Returns this. */
  compacted(): this {
    const pending = [this.root];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (node.indices !== null) node.indices = compactList(node.indices as number[]);
      if (node.children !== null) pending.push(...node.children.values());
    }
    return this;
  }
}

class PrefixNode {
  label: string;
  children: Map<number, PrefixNode> | null = null;
  indices: IndexList | null = null;

  constructor(label: string) {
    this.label = label;
  }

  add(index: number): void {
    appendIndex((this.indices ??= []) as number[], index);
  }
}

function commonLength(label: string, text: string, from: number): number {
  const max = Math.min(label.length, text.length - from);
  let i = 0;
  while (i < max && label.charCodeAt(i) === text.charCodeAt(from + i)) i++;
  return i;
}

/** Indices arrive in ascending order; a rule reaching the same list twice is stored once. */
export function appendIndex(list: number[], index: number): void {
  if (list.length === 0 || list[list.length - 1] !== index) list.push(index);
}

/** A list built by pushing, stored at its final size: one index bare, more in an exact-size array. */
export function compactList(list: readonly number[]): IndexList {
  if (list.length === 0) return noIndices;
  return list.length === 1 ? list[0]! : list.slice();
}

const noIndices: readonly number[] = Object.freeze([]);
