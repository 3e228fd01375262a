// alb-dslx: check DSLX in Rule YAML, or explain which rule a request would hit. The command is bin/alb-dslx.js,
// which calls runCli (no entry-point detection here: it differs between Node versions and launchers).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { AlbError, errorCodes } from './errors.ts';
import { createRuleTable } from './rule-table.ts';
import type { DslxTerm, MatchRequest, RuleInput, ValidationIssue } from './types.ts';
import { validate } from './validate.ts';

const usage = `usage:
  alb-dslx check <file>...
      Validate the dslx of every Rule (or bare dslx list) in the YAML/JSON files; exit 1 on any problem.
  alb-dslx match <rules-file> '<METHOD> <url>' [-H 'name: value']... [--ip <client ip>] [--json]
      Show which rule wins for that request, and why each rule before it did not match.
      <url> is http://host/path?query or /path?query (then give the host with -H 'Host: ...').`;

/** One dslx found in a file: where it came from, whether a Rule or a bare dslx list held it, and its value. */
type FoundDslx = { label: string; name: string; priority: number; dslx: unknown; root: string; from: 'rule' | 'list' };

export function runCli(argv: string[], out: (line: string) => void): number {
  const [command, ...rest] = argv;
  try {
    if (command === 'check') return check(rest, out);
    if (command === 'match') return match(rest, out);
    if (command === '--help' || command === '-h' || command === 'help') {
      out(usage);
      return 0;
    }
    throw new AlbError(errorCodes.cliUsage, command === undefined ? 'missing command' : `unknown command ${command}`);
  } catch (err) {
    if (!(err instanceof AlbError)) throw err;
    out(`alb-dslx: ${err.message} [${err.code}]`);
    if (err.code === errorCodes.cliUsage) out(usage);
    return 2;
  }
}

function check(files: string[], out: (line: string) => void): number {
  if (files.length === 0) throw new AlbError(errorCodes.cliUsage, 'check needs at least one file');
  let problems = 0;
  const read = files.map((file) => readDslx(file));
  const found = read.flatMap((r) => r.found);
  const objects = read.reduce((sum, r) => sum + r.objects, 0);
  for (const item of found) {
    for (const issue of validate(item.dslx, item.root)) {
      problems++;
      out(`${item.label}: ${issue.path}: ${issue.message} [${issue.code}]`);
    }
  }
  const rules = found.filter((f) => f.from === 'rule').length;
  const checked = [count(files.length, 'file'), count(objects, 'object'), count(rules, 'Rule')];
  if (found.length > rules) checked.push(count(found.length - rules, 'dslx list'));
  if (found.length === 0) {
    out(`nothing checked: no Rule or dslx list in ${checked[0]} (${checked[1]})`);
    return 1;
  }
  out(
    problems === 0
      ? `ok: ${checked.join(', ')} checked, no problems`
      : `${problems} problem(s) in ${checked.join(', ')}`,
  );
  return problems === 0 ? 0 : 1;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function match(args: string[], out: (line: string) => void): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      header: { type: 'string', short: 'H', multiple: true },
      ip: { type: 'string', default: '127.0.0.1' },
      json: { type: 'boolean', default: false },
    },
  });
  const [file, requestLine] = positionals;
  if (file === undefined || requestLine === undefined || positionals.length > 2) {
    throw new AlbError(errorCodes.cliUsage, "match needs <rules-file> and '<METHOD> <url>'");
  }
  const rules: RuleInput[] = readDslx(file).found.map((f) => ({
    name: f.name,
    priority: f.priority,
    dslx: f.dslx as DslxTerm[],
  }));
  const table = createRuleTable(rules);
  const req = parseRequest(requestLine, values.header ?? [], values.ip);
  const explanation = table.explain(req);
  if (values.json) {
    out(JSON.stringify(explanation, null, 2));
    return explanation.winner === null ? 1 : 0;
  }
  for (const skipped of explanation.skipped) out(`skipped ${skipped.name}: ${describeIssues(skipped.issues)}`);
  const byName = new Map(rules.map((r) => [r.name, r]));
  explanation.rules.forEach((verdict, i) => {
    const head = `${String(i + 1).padStart(3)}. ${verdict.name} (priority ${verdict.priority}, complexity ${verdict.complexity})`;
    if (verdict.matched) {
      out(`${head}: matched`);
      return;
    }
    const term = byName.get(verdict.name)?.dslx[verdict.failedTerm!];
    const what =
      term === undefined ? '' : ` ${term.type}${term.key ? ` ${term.key}` : ''} ${JSON.stringify(term.values)}`;
    out(`${head}: term ${verdict.failedTerm}${what} did not hold`);
  });
  out(
    explanation.winner === null
      ? 'no rule matches (ALB answers 404, X-ALB-ERR-REASON: InvalidUpstream : no rule match, or the default backend)'
      : `winner: ${explanation.winner}`,
  );
  return explanation.winner === null ? 1 : 0;
}

function parseRequest(line: string, headerArgs: string[], ip: string): MatchRequest {
  const space = line.indexOf(' ');
  if (space === -1)
    throw new AlbError(errorCodes.cliUsage, `request must look like 'GET http://host/path', got '${line}'`);
  const method = line.slice(0, space);
  const target = line.slice(space + 1).trim();
  const headers: Record<string, string | string[]> = {};
  for (const header of headerArgs) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new AlbError(errorCodes.cliUsage, `header must look like 'name: value', got '${header}'`);
    const name = header.slice(0, colon).trim().toLowerCase();
    const value = header.slice(colon + 1).trim();
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  let url = target;
  const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(target);
  if (absolute !== null) {
    headers.host ??= absolute[1]!;
    url = absolute[2] === '' ? '/' : absolute[2]!;
  }
  return { method, url, headers, remoteAddress: ip };
}

/** The dslx in a file, and how many objects (documents, List items) it holds: objects of other kinds are skipped. */
function readDslx(file: string): { found: FoundDslx[]; objects: number } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AlbError(errorCodes.cliInput, `cannot read ${file}: ${(err as Error).message}`);
  }
  const result = { found: [] as FoundDslx[], objects: 0 };
  parseAllDocuments(text).forEach((doc, d) => {
    if (doc.errors.length > 0)
      throw new AlbError(errorCodes.cliInput, `${file}: document ${d + 1}: ${doc.errors[0]!.message.split('\n')[0]}`);
    collect(doc.toJS(), `${file}#${d + 1}`, result);
  });
  return result;
}

function collect(value: unknown, label: string, into: { found: FoundDslx[]; objects: number }): void {
  if (value === null || value === undefined) return;
  const found = into.found;
  if (!Array.isArray(value) && typeof value === 'object' && Array.isArray((value as { items?: unknown }).items)) {
    (value as { items: unknown[] }).items.forEach((item, i) => collect(item, `${label} items[${i}]`, into));
    return;
  }
  into.objects++;
  if (Array.isArray(value)) {
    found.push({ label, name: label, priority: 0, dslx: value, root: 'dslx', from: 'list' });
    return;
  }
  if (typeof value !== 'object')
    throw new AlbError(errorCodes.cliInput, `${label}: expected a Rule, a list of Rules or a dslx list`);
  const obj = value as {
    kind?: unknown;
    metadata?: { name?: unknown };
    spec?: Record<string, unknown>;
    dslx?: unknown;
  };
  // Other kinds (ALB2, Frontend, Service, ...) share files with Rules: counted, not checked.
  if (typeof obj.kind === 'string' && obj.kind !== 'Rule') return;
  if (obj.spec !== undefined) {
    const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : label;
    const priority = typeof obj.spec.priority === 'number' ? obj.spec.priority : 0;
    found.push({
      label: `${label} ${String(obj.kind ?? 'Rule')} ${name}`,
      name,
      priority,
      dslx: obj.spec.dslx,
      root: 'spec.dslx',
      from: 'rule',
    });
    return;
  }
  if (obj.dslx !== undefined) {
    found.push({ label, name: label, priority: 0, dslx: obj.dslx, root: 'dslx', from: 'list' });
    return;
  }
  throw new AlbError(errorCodes.cliInput, `${label}: expected a Rule (with spec.dslx), a list of Rules or a dslx list`);
}

function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
