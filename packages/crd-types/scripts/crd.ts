// CRD YAML from the schema document: refs inlined, structural (apiextensions.k8s.io/v1), value rules kept only
// where the schema says the API server enforces them (x-alb-apiserver), so YAML Alauda ALB accepted still applies.
import { stringify } from 'yaml';
import type { JsonSchema } from '../src/schema/json-schema.ts';

type Node = Record<string, unknown>;

/** Value rules: emitted only inside an `x-alb-apiserver` subtree. */
const valueKeywords = ['enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'required'] as const;

/** Resolves `#/$defs/<name>` refs; a ref must be the only keyword of its node. */
export function resolveRef(node: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  if (node.$ref === undefined) return node;
  if (Object.keys(node).length !== 1) throw new Error(`$ref ${node.$ref} has sibling keywords`);
  const name = node.$ref.replace('#/$defs/', '');
  const target = defs[name];
  if (target === undefined) throw new Error(`unknown $ref ${node.$ref}`);
  return target;
}

/** The CRD form of one schema node (recursive). */
export function toCrdSchema(input: JsonSchema, defs: Record<string, JsonSchema>, enforced = false): Node {
  const node = resolveRef(input, defs);
  const strict = enforced || node['x-alb-apiserver'] === true;
  const out: Node = {};
  if (node.description !== undefined) out.description = node.description;
  if (node.type !== undefined) out.type = node.type;
  if (node.format !== undefined) out.format = node.format;
  if (strict) for (const key of valueKeywords) if (node[key] !== undefined) out[key] = node[key];
  if (node.properties !== undefined) {
    const properties: Node = {};
    for (const [name, child] of Object.entries(node.properties)) properties[name] = toCrdSchema(child, defs, strict);
    out.properties = properties;
  } else if (typeof node.additionalProperties === 'object') {
    out.additionalProperties = toCrdSchema(node.additionalProperties, defs, strict);
  }
  if (node.items !== undefined) out.items = toCrdSchema(node.items, defs, strict);
  for (const key of [
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
  ] as const) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  return out;
}

type PrinterColumn = { name: string; type: 'string' | 'integer' | 'date'; jsonPath: string; description: string };

type KindSpec = {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  rootType: string;
  versions: Array<{ name: string; storage: boolean; deprecationWarning?: string }>;
  columns: PrinterColumn[];
  file: string;
};

const accepted: PrinterColumn = {
  name: 'accepted',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Accepted")].status',
  description: 'Whether ALB accepted the spec (see status.conditions)',
};
const age: PrinterColumn = { name: 'age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age' };

export const kinds: KindSpec[] = [
  {
    kind: 'ALB2',
    plural: 'alaudaloadbalancer2',
    singular: 'alaudaloadbalancer2',
    shortNames: ['alb2'],
    rootType: 'Alb2',
    versions: [
      { name: 'v2beta1', storage: true },
      { name: 'v2', storage: false },
      {
        name: 'v1',
        storage: false,
        deprecationWarning: 'crd.alauda.io/v1 ALB2 is deprecated; use crd.alauda.io/v2beta1 or v2',
      },
    ],
    columns: [
      { name: 'manually-address', type: 'string', jsonPath: '.spec.address', description: 'Address set in the spec' },
      {
        name: 'allocated-address',
        type: 'string',
        jsonPath: '.status.detail.address.msg',
        description: 'Address found by the operator',
      },
      { name: 'state', type: 'string', jsonPath: '.status.state', description: 'State of this ALB' },
      { name: 'reason', type: 'string', jsonPath: '.status.reason', description: 'Reason of this state' },
      { name: 'mode', type: 'string', jsonPath: '.spec.config.networkMode', description: 'Network mode' },
      age,
    ],
    file: 'crd.alauda.io_alaudaloadbalancer2.yaml',
  },
  {
    kind: 'Frontend',
    plural: 'frontends',
    singular: 'frontend',
    shortNames: ['ft'],
    rootType: 'Frontend',
    versions: [{ name: 'v1', storage: true }],
    columns: [
      { name: 'port', type: 'integer', jsonPath: '.spec.port', description: 'Listening port' },
      { name: 'protocol', type: 'string', jsonPath: '.spec.protocol', description: 'Protocol' },
      accepted,
      age,
    ],
    file: 'crd.alauda.io_frontends.yaml',
  },
  {
    kind: 'Rule',
    plural: 'rules',
    singular: 'rule',
    shortNames: ['rl'],
    rootType: 'Rule',
    versions: [{ name: 'v1', storage: true }],
    columns: [
      { name: 'priority', type: 'integer', jsonPath: '.spec.priority', description: 'Priority (lower first)' },
      { name: 'matches', type: 'string', jsonPath: '.spec.dsl', description: 'Description of the match' },
      { name: 'source-type', type: 'string', jsonPath: '.spec.source.type', description: 'Source type' },
      { name: 'source-ns', type: 'string', jsonPath: '.spec.source.namespace', description: 'Source namespace' },
      { name: 'source-name', type: 'string', jsonPath: '.spec.source.name', description: 'Source name' },
      accepted,
      age,
    ],
    file: 'crd.alauda.io_rules.yaml',
  },
];

export const crdGroup = 'crd.alauda.io';

/** The openAPIV3Schema of a kind: `metadata` is left to the API server, as Kubernetes requires. */
export function openApiSchema(rootType: string, defs: Record<string, JsonSchema>): Node {
  const schema = toCrdSchema(defs[rootType]!, defs);
  const properties = schema.properties as Node;
  properties.metadata = { type: 'object' };
  return schema;
}

/** The CustomResourceDefinition object of a kind. */
export function crdObject(spec: KindSpec, defs: Record<string, JsonSchema>): Node {
  const schema = openApiSchema(spec.rootType, defs);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${spec.plural}.${crdGroup}` },
    spec: {
      group: crdGroup,
      names: {
        kind: spec.kind,
        listKind: `${spec.kind}List`,
        plural: spec.plural,
        singular: spec.singular,
        shortNames: spec.shortNames,
      },
      scope: 'Namespaced',
      versions: spec.versions.map((version) => ({
        name: version.name,
        served: true,
        storage: version.storage,
        ...(version.deprecationWarning === undefined
          ? {}
          : { deprecated: true, deprecationWarning: version.deprecationWarning }),
        subresources: { status: {} },
        additionalPrinterColumns: spec.columns,
        schema: { openAPIV3Schema: schema },
      })),
    },
  };
}

const header =
  '# Generated by packages/crd-types (npm run generate -w @alb/crd-types) from its schemas; do not edit.\n';

/** `deploy/crds/<file>` -> YAML text, for every kind. */
export function generateCrdFiles(defs: Record<string, JsonSchema>): Map<string, string> {
  const files = new Map<string, string>();
  for (const spec of kinds) {
    const text = stringify(crdObject(spec, defs), { lineWidth: 0, aliasDuplicateObjects: false });
    files.set(spec.file, `${header}${text}`);
  }
  return files;
}
