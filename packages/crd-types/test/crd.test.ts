// The generated CRDs follow the apiextensions.k8s.io/v1 structural-schema rules, carry Alauda's names, versions and
// printer columns, and (checked with ajv standing in for the API server) accept what Alauda ALB accepted.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import t from 'tap';
import { parse } from 'yaml';
import { fixture, patched } from './helpers.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML, walked generically
type Node = Record<string, any>;
const crdDir = new URL('../../../deploy/crds/', import.meta.url);
const load = (file: string): Node => parse(readFileSync(new URL(file, crdDir), 'utf8'));
const crds = {
  alb2: load('crd.alauda.io_alaudaloadbalancer2.yaml'),
  frontend: load('crd.alauda.io_frontends.yaml'),
  rule: load('crd.alauda.io_rules.yaml'),
};

const allowedKeys = new Set([
  'description',
  'type',
  'format',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
]);
const jsType = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean' } as Record<string, string>;

/** Structural-schema violations under `node`, and where unknown fields are preserved. */
function walk(node: Node, path: string, problems: string[], preserved: string[]): void {
  if (typeof node.type !== 'string') problems.push(`${path}: no type`);
  for (const key of Object.keys(node)) if (!allowedKeys.has(key)) problems.push(`${path}: keyword ${key}`);
  if (node.properties !== undefined && node.additionalProperties !== undefined)
    problems.push(`${path}: additionalProperties beside properties`);
  if (node.properties !== undefined && node.type !== 'object') problems.push(`${path}: properties on ${node.type}`);
  if (node.items !== undefined && (node.type !== 'array' || Array.isArray(node.items)))
    problems.push(`${path}: bad items`);
  if (node.type === 'array' && node.items === undefined) problems.push(`${path}: array without items`);
  for (const value of node.enum ?? [])
    if (typeof value !== jsType[node.type]) problems.push(`${path}: enum value ${value} is not a ${node.type}`);
  for (const name of node.required ?? [])
    if (node.properties?.[name] === undefined) problems.push(`${path}: required ${name} is not a property`);
  if (node['x-kubernetes-list-type'] === 'map') {
    for (const key of node['x-kubernetes-list-map-keys'] ?? [])
      if (!(node.items?.required ?? []).includes(key)) problems.push(`${path}: list-map key ${key} not required`);
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true) preserved.push(path);
  for (const [name, child] of Object.entries(node.properties ?? {}))
    walk(child as Node, `${path}.${name}`, problems, preserved);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}.*`, problems, preserved);
  if (node.items !== undefined && !Array.isArray(node.items)) walk(node.items, `${path}[]`, problems, preserved);
}

for (const [name, crd] of Object.entries(crds)) {
  t.test(`${name}: structural schemas`, async (t) => {
    t.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
    t.equal(crd.kind, 'CustomResourceDefinition');
    for (const version of crd.spec.versions) {
      const schema = version.schema.openAPIV3Schema;
      const problems: string[] = [];
      const preserved: string[] = [];
      walk(schema, '', problems, preserved);
      t.same(problems, [], version.name);
      t.same(preserved, name === 'alb2' ? ['.spec.config'] : [], 'preserve-unknown only where Alauda config is open');
      t.same(schema.properties.metadata, { type: 'object' });
      t.same(version.subresources, { status: {} });
      t.ok(version.served);
    }
    const schemas = crd.spec.versions.map((v: Node) => JSON.stringify(v.schema));
    t.equal(new Set(schemas).size, 1, 'every version has the same schema');
    t.equal(crd.spec.versions.filter((v: Node) => v.storage).length, 1, 'one storage version');
  });
}

t.test('names, versions and printer columns', async (t) => {
  const names = (crd: Node) => [crd.metadata.name, crd.spec.group, crd.spec.scope, crd.spec.names];
  t.same(names(crds.alb2), [
    'alaudaloadbalancer2.crd.alauda.io',
    'crd.alauda.io',
    'Namespaced',
    {
      kind: 'ALB2',
      listKind: 'ALB2List',
      plural: 'alaudaloadbalancer2',
      singular: 'alaudaloadbalancer2',
      shortNames: ['alb2'],
    },
  ]);
  t.same(names(crds.frontend)[3], {
    kind: 'Frontend',
    listKind: 'FrontendList',
    plural: 'frontends',
    singular: 'frontend',
    shortNames: ['ft'],
  });
  t.same(names(crds.rule)[3], {
    kind: 'Rule',
    listKind: 'RuleList',
    plural: 'rules',
    singular: 'rule',
    shortNames: ['rl'],
  });
  t.same(
    crds.alb2.spec.versions.map((v: Node) => [v.name, v.storage, v.deprecated === true]),
    [
      ['v2beta1', true, false],
      ['v2', false, false],
      ['v1', false, true],
    ],
  );
  const columns = (crd: Node) =>
    crd.spec.versions[0].additionalPrinterColumns.map((c: Node) => `${c.name}=${c.jsonPath}`);
  t.same(columns(crds.alb2).slice(0, 5), [
    'manually-address=.spec.address',
    'allocated-address=.status.detail.address.msg',
    'state=.status.state',
    'reason=.status.reason',
    'mode=.spec.config.networkMode',
  ]);
  t.same(columns(crds.rule).slice(0, 5), [
    'priority=.spec.priority',
    'matches=.spec.dsl',
    'source-type=.spec.source.type',
    'source-ns=.spec.source.namespace',
    'source-name=.spec.source.name',
  ]);
  t.same(columns(crds.frontend).slice(0, 2), ['port=.spec.port', 'protocol=.spec.protocol']);
});

t.test('the API server enforces only what Alauda enforced, plus standard conditions', async (t) => {
  const found: string[] = [];
  const collect = (node: Node, path: string) => {
    for (const key of ['enum', 'minimum', 'maximum', 'pattern', 'required', 'minLength', 'maxLength'])
      if (node[key] !== undefined) found.push(`${path}:${key}`);
    for (const [name, child] of Object.entries(node.properties ?? {})) collect(child as Node, `${path}.${name}`);
    if (node.items !== undefined) collect(node.items, `${path}[]`);
  };
  collect(crds.frontend.spec.versions[0].schema.openAPIV3Schema, '');
  collect(crds.alb2.spec.versions[0].schema.openAPIV3Schema, '');
  const outsideConditions = found.filter((f) => !f.startsWith('.status.conditions[]'));
  t.same(outsideConditions, ['.spec.port:minimum', '.spec.port:maximum', '.spec.type:enum']);
});

// ajv standing in for the API server's schema validation (no pruning, formats not checked).
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const apiServer = (crd: Node) => ajv.compile(crd.spec.versions[0].schema.openAPIV3Schema);

t.test('Alauda YAML applies; only Alauda-level mistakes are rejected by the API server', async (t) => {
  const frontend = apiServer(crds.frontend);
  const rule = apiServer(crds.rule);
  const alb2 = apiServer(crds.alb2);
  t.ok(frontend(fixture('examples/frontend.yaml')));
  t.ok(rule(fixture('examples/rule.yaml')));
  t.ok(alb2(fixture('examples/alb2.yaml')));
  t.ok(rule(fixture('alauda/rule-from-ingress.yaml')));
  t.ok(alb2(fixture('alauda/alb2-full.yaml')));
  t.ok(alb2(fixture('alauda/alb2-v1.yaml')));
  const ft = fixture('examples/frontend.yaml');
  t.ok(frontend(patched(ft, (f) => (f.spec.protocol = 'htp'))), 'an odd protocol applies (ALB reports it)');
  t.ok(frontend(patched(ft, (f) => (f.spec.serviceGroup.services[0].weight = 300))), 'weights are not capped');
  t.notOk(frontend(patched(ft, (f) => (f.spec.port = 70000))), 'port range is enforced, as Alauda');
  t.notOk(frontend(patched(ft, (f) => (f.spec.port = '80'))), 'types are enforced');
  t.notOk(alb2(patched(fixture('examples/alb2.yaml'), (a) => (a.spec.type = 'envoy'))), 'type: nginx, as Alauda');
});
