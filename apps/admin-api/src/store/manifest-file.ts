// One manifest file as documents that can be edited one at a time: an edited document is written anew, the others
// keep their exact text (comments, layout), so a file someone wrote by hand changes only where the API changed it.
import { Composer, CST, Parser, stringify, type Document } from 'yaml';

/** An object found in a file. `editable` is false inside a `List` or a JSON file holding several objects. */
export type ManifestEntry = { index: number; object: Record<string, unknown>; editable: boolean };

type Parsed = { tokens: CST.Token[]; docs: Document[]; json: boolean };

function parse(text: string, json: boolean): Parsed {
  const tokens = [...new Parser().parse(text)];
  const docs = [...new Composer().compose(tokens)];
  return { tokens, docs, json };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The objects of a YAML (multi-document) or JSON file, or null when it does not parse. */
export function readManifest(text: string, json: boolean): ManifestEntry[] | null {
  const { docs } = parse(text, json);
  if (docs.some((d) => d.errors.length > 0)) return null;
  const out: ManifestEntry[] = [];
  const single = docs.length === 1;
  docs.forEach((doc, index) => {
    const value: unknown = doc.toJS();
    if (!isObject(value)) return;
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      for (const item of value.items) if (isObject(item)) out.push({ index, object: item, editable: false });
      return;
    }
    out.push({ index, object: value, editable: !json || single });
  });
  return out;
}

/** The text of a file whose document `index` is replaced by `object` (its comments outside `spec` kept). */
export function replaceDocument(text: string, json: boolean, index: number, edit: (doc: Document) => void): string {
  if (json) {
    const { docs } = parse(text, json);
    edit(docs[index]!);
    return `${JSON.stringify(docs[index]!.toJS(), null, 2)}\n`;
  }
  return rewrite(parse(text, json), index, (doc) => {
    edit(doc);
    return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  });
}

/** The text of a file without document `index`; '' when nothing else is left. */
export function removeDocument(text: string, json: boolean, index: number): string {
  if (json) return '';
  const parsed = parse(text, json);
  if (parsed.docs.length === 1) return '';
  const out = rewrite(parsed, index, () => '');
  return out.trim() === '' ? '' : out;
}

/** Serialises the tokens, with document `index` replaced by `render(doc)`. */
function rewrite(parsed: Parsed, index: number, render: (doc: Document) => string): string {
  let docIndex = -1;
  const pieces: string[] = [];
  // Comments before the first document belong to it (Composer attaches them as commentBefore, which toString
  // writes again): drop their own tokens when that document is rewritten.
  let pendingLead: string[] = [];
  for (const token of parsed.tokens) {
    if (token.type !== 'document') {
      pendingLead.push(CST.stringify(token));
      continue;
    }
    docIndex++;
    if (docIndex === index) {
      const keepLead = docIndex > 0 ? pendingLead : [];
      pieces.push(...keepLead, render(parsed.docs[docIndex]!));
    } else {
      pieces.push(...pendingLead, CST.stringify(token));
    }
    pendingLead = [];
  }
  pieces.push(...pendingLead);
  let out = pieces.join('');
  // A removed first document leaves the next one's `---` at the top: valid YAML, but tidy it.
  if (out.startsWith('---\n') && index === 0) out = out.slice(4);
  return out;
}

/** A new file holding one object, in YAML. */
export function newManifest(object: Record<string, unknown>): string {
  return stringify(object, { lineWidth: 0 });
}
