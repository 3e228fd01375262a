// The README's field reference, rendered from the schema document (descriptions, rules and x-alb-use).
import { format, resolveConfig } from 'prettier';
import type { FieldUse, JsonSchema } from '../src/schema/json-schema.ts';
import { resolveRef } from './crd.ts';

const useText: Record<FieldUse, string> = {
  'proxy-core': 'proxy-core',
  'alb-instance': 'alb-instance',
  'ingress-translator': 'ingress-translator',
  operator: 'operator',
  'admin-api': 'admin-api',
  display: 'display only',
  status: 'written by ALB',
  k8s: 'Kubernetes',
  ignored: '**ignored**',
  unplanned: '_unplanned_',
};

type Row = { field: string; type: string; rules: string; use: string; meaning: string };

/** A table cell: pipes escaped, and `<x>` outside code spans escaped so Markdown does not take it for HTML. */
const cell = (text: string) =>
  text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replaceAll('<', '&lt;').replaceAll('>', '&gt;')))
    .join('`')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ');
const code = (value: string | number) => (value === '' ? '`""`' : `\`${value}\``);
const anchor = (name: string) => `#${name.toLowerCase()}`;

function isNamedObject(node: JsonSchema, defs: Record<string, JsonSchema>): string | null {
  if (node.$ref === undefined) return null;
  const target = resolveRef(node, defs);
  return target.type === 'object' ? node.$ref.replace('#/$defs/', '') : null;
}

function typeText(node: JsonSchema, defs: Record<string, JsonSchema>): string {
  const named = isNamedObject(node, defs);
  if (named !== null) return `[${named}](${anchor(named)})`;
  const resolved = resolveRef(node, defs);
  if (resolved.type === 'array') return `${typeText(resolved.items ?? {}, defs)}[]`;
  if (
    resolved.type === 'object' &&
    resolved.properties === undefined &&
    typeof resolved.additionalProperties === 'object'
  )
    return `map of ${typeText(resolved.additionalProperties, defs)}`;
  return resolved.type ?? 'any';
}

function rulesText(node: JsonSchema, required: boolean, enforced: boolean): string {
  const rules: string[] = [];
  if (required) rules.push('required');
  if (node.enum !== undefined) rules.push(`one of ${node.enum.map(code).join(', ')}`);
  if (node.minimum !== undefined && node.maximum !== undefined) rules.push(`${node.minimum}-${node.maximum}`);
  else if (node.minimum !== undefined) rules.push(`at least ${node.minimum}`);
  else if (node.maximum !== undefined) rules.push(`at most ${node.maximum}`);
  if (node.minLength === 1) rules.push('non-empty');
  if (node.maxLength !== undefined) rules.push(`at most ${node.maxLength} characters`);
  if (node['x-alb-format'] !== undefined) rules.push(`like ${node['x-alb-format']}`);
  if (node.default !== undefined) rules.push(`default ${code(JSON.stringify(node.default).replace(/^"(.*)"$/, '$1'))}`);
  if (node['x-kubernetes-preserve-unknown-fields']) rules.push('open: unknown keys are kept');
  if (enforced && rules.length > 0) rules.push('enforced by the API server');
  return rules.join('; ');
}

function collectRows(
  node: JsonSchema,
  defs: Record<string, JsonSchema>,
  prefix: string,
  inherited: readonly FieldUse[],
  enforced: boolean,
  rows: Row[],
): void {
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const resolved = resolveRef(child, defs);
    // A named object type lists its own users (or "per field"); anything else inherits its parent's.
    const use = resolved['x-alb-use'] ?? (isNamedObject(child, defs) === null ? inherited : []);
    const strict = enforced || resolved['x-alb-apiserver'] === true;
    const field = `${prefix}${name}`;
    rows.push({
      field: `\`${field}\``,
      type: typeText(child, defs),
      rules: rulesText(resolved, required.has(name), strict),
      use: use.length > 0 ? use.map((u) => useText[u]).join(', ') : 'per field',
      meaning: resolved.description ?? '',
    });
    if (child.$ref !== undefined) continue;
    if (resolved.properties !== undefined) collectRows(resolved, defs, `${field}.`, use, strict, rows);
    const items = resolved.items;
    if (items !== undefined && items.$ref === undefined && items.properties !== undefined)
      collectRows(items, defs, `${field}[].`, use, strict, rows);
    const values = resolved.additionalProperties;
    if (typeof values === 'object' && values.$ref === undefined && values.properties !== undefined)
      collectRows(values, defs, `${field}.<key>.`, use, strict, rows);
  }
}

/** Markdown: one section per named object type, in document order. */
export function renderFieldReference(document: JsonSchema): string {
  const defs = document.$defs ?? {};
  const parts: string[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (def.type !== 'object' || def.properties === undefined) continue;
    const rows: Row[] = [];
    collectRows(def, defs, '', def['x-alb-use'] ?? [], def['x-alb-apiserver'] === true, rows);
    const table = [
      '| field | type | rules | used by | meaning |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${[r.field, r.type, r.rules, r.use, r.meaning].map(cell).join(' | ')} |`),
    ];
    parts.push(`#### ${name}\n\n${def.description ?? ''}\n\n${table.join('\n')}\n`);
  }
  return parts.join('\n');
}

const start = '<!-- generated:fields:start -->';
const end = '<!-- generated:fields:end -->';

/** The README with its field reference replaced, formatted as Prettier would. */
export async function renderReadme(current: string, readmePath: string, document: JsonSchema): Promise<string> {
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README needs the markers ${start} and ${end}`);
  const body = `${start}\n\n${renderFieldReference(document)}\n${end}`;
  const text = `${current.slice(0, from)}${body}${current.slice(to + end.length)}`;
  const options = (await resolveConfig(readmePath)) ?? {};
  return format(text, { ...options, filepath: readmePath });
}
