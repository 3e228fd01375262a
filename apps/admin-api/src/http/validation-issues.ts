// ajv errors of a route schema -> the fields at fault, worded as @alb/crd-types words them (`body.spec.port: must
// be between 1 and 65535, got 70000`).
import { handledKeywords, issueFromAjv, type AjvError } from '@alb/crd-types';
import type { FieldIssue } from '../errors.ts';

const worded: ReadonlySet<string> = new Set(handledKeywords);

export function validationIssues(
  errors: ReadonlyArray<AjvError & { message?: string }>,
  context: string,
  root: unknown,
): FieldIssue[] {
  const out: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const found = issueFromAjv(error, root);
    const path = found.path === '' ? context : `${context}.${found.path}`;
    // The API refuses unknown fields (a typo must not be dropped quietly), unlike a manifest read by ALB.
    let message = found.message.replace(/^unknown field, ignored/, 'unknown field');
    if (!worded.has(error.keyword)) message = error.message ?? message;
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message, code: found.code });
  }
  return out;
}
