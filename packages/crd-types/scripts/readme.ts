// The README's field reference, rendered from the schema document (descriptions, rules and x-alb-use).
import { format, resolveConfig } from 'prettier';
import type { FieldUse, JsonSchema } from '../src/schema/json-schema.ts';
import { resolveRef } from './crd.ts';
import { builtComponents, components, notYet, notYetFor } from './field-status.ts';

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

const planned = (use: FieldUse) => components.includes(use) && !builtComponents.includes(use);

/** Who honours the field: planned components marked, and what a built one does instead where it does not yet. */
function useCell(use: readonly FieldUse[], notYet: string | null): string {
  if (use.length === 0) return 'per field';
  const who = use.map((u) => (planned(u) ? `${useText[u]} (planned)` : useText[u])).join(', ');
  return notYet === null ? who : `${who}; **not yet**: ${notYet}`;
}

const list = (uses: readonly FieldUse[]) => uses.map((u) => `\`${u}\``).join(', ');

/** Words filled into lines of at most `width` characters. */
function wrap(text: string, width = 120): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line].join('\n');
}

/** The legend above the tables, from the same facts as the cells. */
function legend(): string {
  return (
    wrap(`Every field we accept, per type. **used by** names the component that honours the field: \`proxy-core\`
(data plane), \`alb-instance\` (instance: policy builder, status, leader work), \`ingress-translator\`, \`operator\`,
\`admin-api\`. Built today: ${list(builtComponents)}; ${list(components.filter(planned))} are not built yet, and their
fields say _(planned)_. Where a built component does not honour a field yet, the cell says **not yet** and what
happens instead: the instance reports such a field on the object (\`ALB_INSTANCE_UNSUPPORTED\`) and refuses a route
that needs protection it cannot give (auth, WAF) rather than serve it unprotected. _unplanned_: accepted and
validated, no component is scheduled to honour it yet. **ignored**: accepted so Alauda YAML applies, and ignored
for the reason given. "display only": informational by design. "enforced by the API server": the CRD rejects
violations; other rules are checked by ALB.`) + '\n'
  );
}

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
  section: string,
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
      use: useCell(
        use,
        notYetFor(section, field.replaceAll('[]', '').replaceAll('.<key>', ''), isNamedObject(child, defs)),
      ),
      meaning: resolved.description ?? '',
    });
    if (child.$ref !== undefined) continue;
    if (resolved.properties !== undefined) collectRows(resolved, defs, section, `${field}.`, use, strict, rows);
    const items = resolved.items;
    if (items !== undefined && items.$ref === undefined && items.properties !== undefined)
      collectRows(items, defs, section, `${field}[].`, use, strict, rows);
    const values = resolved.additionalProperties;
    if (typeof values === 'object' && values.$ref === undefined && values.properties !== undefined)
      collectRows(values, defs, section, `${field}.<key>.`, use, strict, rows);
  }
}

/** Markdown: one section per named object type, in document order. */
export function renderFieldReference(document: JsonSchema): string {
  const defs = document.$defs ?? {};
  const parts: string[] = [legend()];
  for (const [name, def] of Object.entries(defs)) {
    if (def.type !== 'object' || def.properties === undefined) continue;
    const rows: Row[] = [];
    collectRows(def, defs, name, '', def['x-alb-use'] ?? [], def['x-alb-apiserver'] === true, rows);
    const table = [
      '| field | type | rules | used by | meaning |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${[r.field, r.type, r.rules, r.use, r.meaning].map(cell).join(' | ')} |`),
    ];
    const note = notYet[name] === undefined ? '' : `**Not yet**: ${notYet[name]}.\n\n`;
    parts.push(`#### ${name}\n\n${def.description ?? ''}\n\n${note}${table.join('\n')}\n`);
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
