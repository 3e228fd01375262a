// The schema document stays within what every generator and the message translator understand.
import t from 'tap';
import { operators } from '@alb/dslx';
import {
  frontendProtocols,
  matchTypes,
  schemaDefs,
  schemaDocument,
  sessionAffinityPolicies,
  type JsonSchema,
} from '../src/index.ts';
import { handledKeywords } from '../src/issues.ts';

const structural = new Set([
  '$id',
  '$ref',
  '$defs',
  'title',
  'description',
  'type',
  'properties',
  'additionalProperties',
  'items',
  'format',
  'default',
]);
const vendor = new Set([
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-alb-use',
  'x-alb-format',
  'x-alb-apiserver',
]);
const uses = new Set([
  'proxy-core',
  'alb-instance',
  'ingress-translator',
  'operator',
  'admin-api',
  'display',
  'status',
  'k8s',
  'ignored',
  'unplanned',
]);

function visit(node: JsonSchema, path: string, fn: (node: JsonSchema, path: string) => void): void {
  fn(node, path);
  for (const [name, child] of Object.entries(node.$defs ?? {})) visit(child, `${path}$defs.${name}`, fn);
  for (const [name, child] of Object.entries(node.properties ?? {})) visit(child, `${path}.${name}`, fn);
  if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, `${path}.*`, fn);
  if (node.items !== undefined) visit(node.items, `${path}[]`, fn);
}

t.test('only keywords with a specific message, plus annotations and vendor keywords', async (t) => {
  const problems: string[] = [];
  visit(schemaDocument, '', (node, path) => {
    for (const key of Object.keys(node))
      if (!structural.has(key) && !vendor.has(key) && !(handledKeywords as readonly string[]).includes(key))
        problems.push(`${path}: ${key}`);
  });
  t.same(problems, []);
});

t.test('refs resolve, refs stand alone, patterns explain themselves and are RE2-safe, uses are known', async (t) => {
  const problems: string[] = [];
  visit(schemaDocument, '', (node, path) => {
    if (node.$ref !== undefined) {
      if (schemaDefs[node.$ref.replace('#/$defs/', '')] === undefined) problems.push(`${path}: dangling ${node.$ref}`);
      if (Object.keys(node).length !== 1) problems.push(`${path}: $ref with siblings`);
    }
    if (node.pattern !== undefined) {
      if (node['x-alb-format'] === undefined) problems.push(`${path}: pattern without x-alb-format`);
      if (/\(\?[=!<]|\\\d/.test(node.pattern)) problems.push(`${path}: lookaround or backreference (not RE2)`);
      new RegExp(node.pattern);
    }
    for (const use of node['x-alb-use'] ?? []) if (!uses.has(use)) problems.push(`${path}: unknown use ${use}`);
    if (node.type === 'object' && node.properties !== undefined && node.additionalProperties === undefined)
      problems.push(`${path}: open or closed? set additionalProperties`);
  });
  t.same(problems, []);
});

t.test('every field is described', async (t) => {
  const missing: string[] = [];
  visit(schemaDocument, '', (node, path) => {
    for (const [name, child] of Object.entries(node.properties ?? {}))
      if (child.$ref === undefined && child.description === undefined) missing.push(`${path}.${name}`);
  });
  t.same(missing, []);
});

t.test('the exported constants equal the schema enums', async (t) => {
  t.same(frontendProtocols, schemaDefs.FrontendProtocol!.enum);
  t.same(sessionAffinityPolicies, schemaDefs.SessionAffinityPolicy!.enum);
  t.same(matchTypes, schemaDefs.MatchType!.enum);
  t.same(operators, schemaDefs.DslxOperator!.enum, 'the operators @alb/dslx implements');
});
