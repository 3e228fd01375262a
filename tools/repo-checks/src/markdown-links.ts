// Links and heading anchors of a Markdown document, as GitHub renders them (code blocks and code spans hold no
// links; a heading's anchor is its text, lower-cased, without punctuation, spaces as dashes, numbered when repeated).

export type MarkdownLink = { line: number; target: string };

/** The document's lines with fenced code blocks blanked; code spans dropped, or kept as their text. */
function proseLines(markdown: string, codeSpans: 'drop' | 'text'): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (marker !== undefined && (fence === null || marker.startsWith(fence))) {
      fence = fence === null ? marker : null;
      return '';
    }
    if (fence !== null) return '';
    return line.replace(/(`+)([^`]*?)\1/g, (_, _ticks: string, code: string) => (codeSpans === 'drop' ? '' : code));
  });
}

/** Every link target: inline links and images, reference definitions, and HTML href/src attributes. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(markdown, 'drop').forEach((text, i) => {
    const line = i + 1;
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: m[1]! });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(text);
    if (definition !== null) links.push({ line, target: definition[1]! });
    for (const m of text.matchAll(/\b(?:href|src)="([^"]*)"/g)) links.push({ line, target: m[1]! });
  });
  return links;
}

/** The anchors GitHub gives the document's headings (and any explicit `id`/`name` attributes). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const text of proseLines(markdown, 'text')) {
    for (const m of text.matchAll(/\b(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
