// Runs h2spec against a TLS port and reads its JUnit report: each case by its h2spec id (`http2/5.1.1/2` = the
// second case of section 5.1.1), as `h2spec <id>` would select it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type CaseOutcome = 'passed' | 'failed' | 'skipped';
export type H2specCase = { id: string; title: string; outcome: CaseOutcome };
export type H2specReport = { cases: H2specCase[]; passed: number; failed: string[] };

/** Parses h2spec's JUnit report: `<error>` (or `<failure>`) inside a testcase = failed, `<skipped>` = skipped. */
export function parseJunitReport(xml: string): H2specReport {
  const cases: H2specCase[] = [];
  const perSection = new Map<string, number>();
  for (const m of xml.matchAll(
    /<testcase package="([^"]+)" classname="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g,
  )) {
    const section = m[1]!;
    const index = (perSection.get(section) ?? 0) + 1;
    perSection.set(section, index);
    const body = m[3] ?? '';
    const outcome: CaseOutcome = /<(error|failure)\b/.test(body)
      ? 'failed'
      : /<skipped\b/.test(body)
        ? 'skipped'
        : 'passed';
    cases.push({ id: `${section}/${index}`, title: m[2]!, outcome });
  }
  return reportOf(cases);
}

/** The counts of `cases`. */
export function reportOf(cases: H2specCase[]): H2specReport {
  return {
    cases,
    passed: cases.filter((c) => c.outcome === 'passed').length,
    failed: cases.filter((c) => c.outcome === 'failed').map((c) => c.id),
  };
}

/**
 * Runs the h2spec cases `ids` (all when empty) over TLS against 127.0.0.1:`port` (asynchronously: the server under
 * test may live in this process). h2spec exits 1 when a case fails, so the report, not the exit code, says how it went.
 */
export async function runH2spec(
  h2spec: string,
  port: number,
  ids: string[] = [],
  timeoutMs = 240_000,
): Promise<H2specReport> {
  const dir = mkdtempSync(join(tmpdir(), 'alb-h2spec-'));
  try {
    const report = join(dir, 'report.xml');
    const args = ['-t', '-k', '-h', '127.0.0.1', '-p', String(port), '-o', '2', '-j', report, ...ids];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(h2spec, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-2000)));
      child.stderr.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-2000)));
      child.on('error', reject);
      child.on('close', (code, signal) =>
        code === 0 || code === 1 ? resolve(text) : reject(new Error(`h2spec ended with ${signal ?? code}: ${text}`)),
      );
    });
    try {
      return parseJunitReport(readFileSync(report, 'utf8'));
    } catch (err) {
      throw new Error(`h2spec wrote no report: ${output}`, { cause: err });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
