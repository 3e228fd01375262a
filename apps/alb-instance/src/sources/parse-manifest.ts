import { loadAll, YAMLException } from 'js-yaml';
import { unsupportedReason, type KubeObject } from '../objects/kube-object.ts';

/** A problem with a manifest file: where it is and what is wrong. */
export type ManifestProblem = {
  file: string;
  document?: number;
  line?: number;
  kind?: string;
  name?: string;
  message: string;
};

export type ParsedManifest = { objects: KubeObject[]; problems: ManifestProblem[]; parsed: boolean };

/**
 * Reads every object of a YAML (multi-document) or JSON file, as `kubectl apply -f` would: `List` kinds are
 * expanded, a missing namespace is `default` for namespaced kinds. Objects of kinds ALB does not read are reported
 * and left out. `parsed` is false when the file itself could not be read as YAML/JSON (a syntax error).
 */
export function parseManifest(file: string, text: string): ParsedManifest {
  const objects: KubeObject[] = [];
  const problems: ManifestProblem[] = [];
  let documents: unknown[];
  try {
    // js-yaml: several times faster than a round-tripping YAML library on big manifests, and far less garbage.
    documents = loadAll(text, undefined, { filename: file, json: true });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark === undefined ? undefined : error.mark.line + 1;
    const document = text.slice(0, error.mark?.position ?? 0).split(/^---/m).length;
    const problem: ManifestProblem = { file, document, message: `not valid YAML: ${error.reason}` };
    if (line !== undefined) problem.line = line;
    return { objects, problems: [problem], parsed: false };
  }
  documents.forEach((value, index) => collect(value, file, index + 1, objects, problems));
  return { objects, problems, parsed: true };
}

function collect(
  value: unknown,
  file: string,
  document: number,
  objects: KubeObject[],
  problems: ManifestProblem[],
): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ file, document, message: 'a document must be a Kubernetes object (apiVersion, kind, metadata)' });
    return;
  }
  const object = value as Partial<KubeObject> & { items?: unknown };
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
    for (const item of object.items) collect(item, file, document, objects, problems);
    return;
  }
  if (typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
    problems.push({ file, document, message: 'missing apiVersion or kind' });
    return;
  }
  const name = object.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    problems.push({ file, document, kind: object.kind, message: 'metadata.name is required' });
    return;
  }
  const full = object as KubeObject;
  const reason = unsupportedReason(full);
  if (reason !== null) {
    problems.push({ file, document, kind: object.kind, name, message: `ignored: ${reason}` });
    return;
  }
  const namespaced = !['Namespace', 'IngressClass'].includes(full.kind);
  if (namespaced && (full.metadata.namespace === undefined || full.metadata.namespace === '')) {
    full.metadata = { ...full.metadata, namespace: 'default' };
  }
  if (!namespaced && full.metadata.namespace !== undefined) {
    const { namespace: _ns, ...rest } = full.metadata;
    full.metadata = rest;
  }
  objects.push(full);
}
