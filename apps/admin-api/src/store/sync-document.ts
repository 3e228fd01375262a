import { isCollection, isMap, type Document } from 'yaml';

type Path = Array<string | number>;
const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Makes `doc` hold `next` by touching only what differs: unchanged fields keep their text and comments, a changed
 * scalar or list is set, a missing key is deleted. Maps are walked key by key.
 */
export function syncDocument(doc: Document, next: Record<string, unknown>): void {
  syncNode(doc, [], doc.toJS() as unknown, next);
}

function syncNode(doc: Document, path: Path, current: unknown, next: unknown): void {
  if (isPlain(current) && isPlain(next) && (path.length === 0 || isMap(doc.getIn(path, true)))) {
    for (const key of Object.keys(current)) if (!(key in next)) doc.deleteIn([...path, key]);
    for (const [key, value] of Object.entries(next)) syncNode(doc, [...path, key], current[key], value);
    return;
  }
  if (JSON.stringify(current) === JSON.stringify(next)) return;
  if (path.length === 0) throw new TypeError('syncDocument: a document must hold an object');
  const old = doc.getIn(path, true);
  const node = doc.createNode(next);
  // A list or map written on one line (`[a, b]`) stays on one line.
  if (isCollection(old) && old.flow === true && isCollection(node)) node.flow = true;
  doc.setIn(path, node);
}
