// Golden files: fixtures/<case>.in.yaml (the cluster's objects) -> <case>.out.yaml (frontends, rules, diagnostics,
// ingressStatus). UPDATE_GOLDEN=1 rewrites the outputs; review the diff.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { formatIssue, hasErrors, validateFrontend, validateRule } from '@alb/crd-types';
import { albIngressAnnotations, nginxAnnotations, otherAnnotations, translateIngresses } from '../src/index.ts';
import type { TranslateInput } from '../src/index.ts';
import { dump, loadInput } from './helpers.ts';

const dir = new URL('./fixtures/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.in.yaml'))
  .sort();
t.ok(cases.length >= 20, 'golden cases exist');

function reversed(input: TranslateInput): TranslateInput {
  return {
    ...input,
    ingresses: [...input.ingresses].reverse(),
    ingressClasses: [...(input.ingressClasses ?? [])].reverse(),
    namespaces: [...(input.namespaces ?? [])].reverse(),
    services: [...(input.services ?? [])].reverse(),
    frontends: [...(input.frontends ?? [])].reverse(),
  };
}

for (const file of cases) {
  t.test(file, async (t) => {
    const input = loadInput(new URL(file, dir));
    const output = translateIngresses(input);
    const got = dump(output);
    const outUrl = new URL(file.replace('.in.yaml', '.out.yaml'), dir);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(outUrl, got);
    t.equal(got, readFileSync(outUrl, 'utf8'), 'matches the golden output');
    t.equal(dump(translateIngresses(reversed(input))), got, 'input order does not matter');
    const domain = input.domain === undefined ? {} : { domain: input.domain };
    for (const rule of output.rules) {
      const issues = validateRule(rule, domain);
      t.notOk(hasErrors(issues), `Rule ${rule.metadata.name} is valid: ${issues.map(formatIssue).join('; ')}`);
    }
    for (const ft of output.frontends) {
      const issues = validateFrontend(ft, domain);
      t.notOk(hasErrors(issues), `Frontend ${ft.metadata.name} is valid: ${issues.map(formatIssue).join('; ')}`);
    }
  });
}

t.test('every annotation the translator reads has a golden case', async (t) => {
  const inputs = cases.map((file) => readFileSync(new URL(file, dir), 'utf8')).join('\n');
  const names = [...Object.values(nginxAnnotations).flat(), ...albIngressAnnotations];
  for (const name of names) t.match(inputs, new RegExp(`/${name}: `), name);
  const others = Object.values(otherAnnotations).map((key) =>
    key.replace('<domain>', 'cpaas.io').replace('<rule>-<path>', '0-0'),
  );
  for (const key of others) t.ok(inputs.includes(`${key}: `), key);
});
