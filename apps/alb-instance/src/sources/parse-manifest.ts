import { loadAll, YAMLException } from 'js-yaml';
import { unsupportedReason, type KubeObject } from '../objects/kube-object.ts';
import { manifestLimits, OverBudget, SizeBudget, TooDeep, type ManifestLimits } from './manifest-limits.ts';

/** A problem with a manifest file: where it is and what is wrong. */
export type ManifestProblem = {
  file: string;
  document?: number;
  line?: number;
  kind?: string;
  name?: string;
  message: string;
  /** The file was refused for exceeding a limit (reported as ALB_INSTANCE_MANIFEST_LIMIT). */
  limit?: true;
};

/**
 * `parsed` is false when the file as a whole could not be used (a syntax error, or a limit exceeded): its
 * previous objects should be kept. Otherwise `objects` is everything usable and `problems` the documents left out.
 */
export type ParsedManifest = { objects: KubeObject[]; problems: ManifestProblem[]; parsed: boolean };

export type ParseOptions = {
  limits?: ManifestLimits;
  /** Called between chunks of about `chunkBytes` of text (whole documents), to let other work run. */
  yieldNow?: () => Promise<void>;
  chunkBytes?: number;
};

/**
 * Reads every object of a YAML (multi-document) or JSON file, as `kubectl apply -f` would: `List` kinds are
 * expanded, a missing namespace is `default` for namespaced kinds. Objects of kinds ALB does not read are reported
 * and left out. Files beyond `limits` (size, object count, alias expansion, nesting) are refused as a whole.
 */
export function parseManifest(file: string, text: string, limits: ManifestLimits = manifestLimits): ParsedManifest {
  const reader = new ManifestReader(file, limits, text.length);
  reader.read(text, 0);
  return reader.result();
}

/** `parseManifest` in chunks of whole documents, yielding between them: a big file never blocks for long. */
export async function parseManifestInChunks(
  file: string,
  text: string,
  options: ParseOptions,
): Promise<ParsedManifest> {
  const reader = new ManifestReader(file, options.limits ?? manifestLimits, text.length);
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  let start = 0;
  let line = 0;
  while (start < text.length) {
    const end = documentBoundaryAfter(text, start + chunkBytes);
    const chunk = text.slice(start, end);
    if (!reader.read(chunk, line)) break;
    line += countLines(chunk);
    start = end;
    if (start < text.length) await options.yieldNow?.();
  }
  return reader.result();
}

/** Accumulates the objects of a file read chunk by chunk (each chunk holds whole documents). */
class ManifestReader {
  private readonly file: string;
  private readonly limits: ManifestLimits;
  private readonly budget: SizeBudget;
  private readonly objects: KubeObject[] = [];
  private readonly problems: ManifestProblem[] = [];
  private documents = 0;
  private objectCount = 0;
  private refused: ManifestProblem | null = null;

  constructor(file: string, limits: ManifestLimits, textLength: number) {
    this.file = file;
    this.limits = limits;
    this.budget = new SizeBudget(textLength + limits.maxAliasExpansion, limits.maxDepth);
    if (textLength > limits.maxFileBytes) this.refuse(`the file is larger than ${limits.maxFileBytes} bytes`);
  }

  /** Reads one chunk; false once the file is refused or unreadable (stop reading). */
  read(chunk: string, firstLine: number): boolean {
    if (this.refused !== null) return false;
    let values: unknown[];
    try {
      values = parseDocuments(this.file, chunk);
    } catch (error) {
      if (!(error instanceof YAMLException)) throw error;
      const problem: ManifestProblem = {
        file: this.file,
        document: this.documents + documentAt(chunk, error.mark?.position ?? 0),
        message: `not valid YAML: ${error.reason}`,
      };
      if (error.mark !== undefined) problem.line = firstLine + error.mark.line + 1;
      this.refused = problem;
      return false;
    }
    for (const value of values) {
      this.documents++;
      this.collect(value, this.documents);
      if (this.refused !== null) return false;
    }
    return true;
  }

  result(): ParsedManifest {
    if (this.refused !== null) return { objects: [], problems: [this.refused], parsed: false };
    return { objects: this.objects, problems: this.problems, parsed: true };
  }

  /** An object's size with aliases expanded, charged to the file's budget; null when the file is refused. */
  private measure(object: unknown, document: number): number | null {
    try {
      return this.budget.measure(object);
    } catch (error) {
      if (error instanceof TooDeep) {
        this.refuse(`document ${document} is ${error.message} (YAML aliases followed)`, document);
      } else if (error instanceof OverBudget) {
        this.refuse(
          `YAML aliases expand it beyond its own size by more than ${this.limits.maxAliasExpansion} nodes and ` +
            'characters (an alias bomb?)',
          document,
        );
      } else {
        throw error;
      }
      return null;
    }
  }

  private collect(value: unknown, document: number): void {
    const file = this.file;
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problems.push({
        file,
        document,
        message: 'a document must be a Kubernetes object (apiVersion, kind, metadata)',
      });
      return;
    }
    const object = value as Partial<KubeObject> & { items?: unknown };
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      for (const item of object.items) this.collect(item, document);
      return;
    }
    if (++this.objectCount > this.limits.maxObjects) {
      this.refuse(`it holds more than ${this.limits.maxObjects} objects`);
      return;
    }
    if (typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
      this.problems.push({ file, document, message: 'missing apiVersion or kind' });
      return;
    }
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      this.problems.push({ file, document, kind: object.kind, message: 'metadata.name is required' });
      return;
    }
    // Only objects are used (and so expanded) later: other documents and a List's own fields are never read.
    const size = this.measure(object, document);
    if (size === null) return;
    if (size > this.limits.maxObjectSize) {
      this.problems.push({
        file,
        document,
        kind: object.kind,
        name,
        message: `left out: larger than ${this.limits.maxObjectSize} (characters and nodes; the API server's limit)`,
      });
      return;
    }
    const full = object as KubeObject;
    const reason = unsupportedReason(full);
    if (reason !== null) {
      this.problems.push({ file, document, kind: object.kind, name, message: `ignored: ${reason}` });
      return;
    }
    const namespaced = full.kind !== 'Namespace' && full.kind !== 'IngressClass';
    if (namespaced && (full.metadata.namespace === undefined || full.metadata.namespace === '')) {
      full.metadata = { ...full.metadata, namespace: 'default' };
    }
    if (!namespaced && full.metadata.namespace !== undefined) {
      const { namespace: _ns, ...rest } = full.metadata;
      full.metadata = rest;
    }
    this.objects.push(full);
  }

  private refuse(why: string, document?: number): void {
    if (this.refused !== null) return;
    this.refused = { file: this.file, message: `refused: ${why}`, limit: true };
    if (document !== undefined) this.refused.document = document;
  }
}

/**
 * The documents of a chunk. JSON files go through the native JSON parser (an order of magnitude faster on a big
 * `kubectl get -o json` List), falling back to YAML (a superset) for the error position or for YAML in a .json file.
 * js-yaml: several times faster than a round-tripping YAML library on big manifests, and far less garbage.
 */
function parseDocuments(file: string, chunk: string): unknown[] {
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return [JSON.parse(chunk)];
    } catch {
      // Not JSON: read it as YAML below, which says where the problem is.
    }
  }
  return loadAll(chunk, undefined, { filename: file, json: true });
}

/** A document start (`---` at the start of a line, then a space, a line break or the end). */
const documentStart = /^---(?=[ \t\r\n]|$)/gm;

/**
 * The first position at or after `from` where a document starts (the `---` line), so a chunk ends with whole
 * documents; the end of the text if none. A `---` right after a directive line (`%YAML`) belongs with it.
 */
function documentBoundaryAfter(text: string, from: number): number {
  if (from >= text.length) return text.length;
  documentStart.lastIndex = from;
  for (;;) {
    const match = documentStart.exec(text);
    if (match === null) return text.length;
    const previousLine = text.lastIndexOf('\n', match.index - 2) + 1;
    if (text[previousLine] !== '%') return match.index;
  }
}

/** Which document of `chunk` (1-based) holds `position`. */
function documentAt(chunk: string, position: number): number {
  const before = chunk.slice(0, position);
  const starts = before.match(documentStart)?.length ?? 0;
  const firstStart = chunk.search(documentStart);
  // Content before the first `---` is a document of its own (comments and directives are not).
  const head = firstStart === -1 ? chunk : chunk.slice(0, firstStart);
  const implicit = head.split('\n').some((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('%'));
  return Math.max(1, starts + (implicit ? 1 : 0));
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}
