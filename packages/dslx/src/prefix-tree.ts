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
  collect(text: string, out: number[][]): void {
    let node = this.root;
    let pos = 0;
    for (;;) {
      if (node.indices !== null) out.push(node.indices);
      if (node.children === null || pos >= text.length) return;
      const child = node.children.get(text.charCodeAt(pos));
      if (child === undefined || !text.startsWith(child.label, pos)) return;
      pos += child.label.length;
      node = child;
    }
  }

  isEmpty(): boolean {
    return this.root.indices === null && this.root.children === null;
  }
}

class PrefixNode {
  label: string;
  children: Map<number, PrefixNode> | null = null;
  indices: number[] | null = null;

  constructor(label: string) {
    this.label = label;
  }

  add(index: number): void {
    appendIndex((this.indices ??= []), index);
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
