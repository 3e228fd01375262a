// Golden files: fixtures/golden/<case>.in.yaml -> <case>.out.yaml (the issues). UPDATE_GOLDEN=1 rewrites them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { parse, stringify } from 'yaml';
import { validateAlb2, validateFrontend, validateRule } from '../src/index.ts';

const dir = new URL('./fixtures/golden/', import.meta.url);
const validators: Record<string, (input: unknown) => unknown> = {
  ALB2: validateAlb2,
  Frontend: validateFrontend,
  Rule: validateRule,
};

const inputs = readdirSync(dir).filter((f) => f.endsWith('.in.yaml'));
t.ok(inputs.length >= 3, 'golden cases exist');

for (const file of inputs) {
  t.test(file, async (t) => {
    const input = parse(readFileSync(new URL(file, dir), 'utf8')) as { kind: string };
    const validate = validators[input.kind];
    if (validate === undefined) throw new Error(`${file}: unknown kind ${input.kind}`);
    const got = stringify(validate(input), { lineWidth: 0 });
    const outUrl = new URL(file.replace('.in.yaml', '.out.yaml'), dir);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(outUrl, got);
    t.equal(got, readFileSync(outUrl, 'utf8'));
  });
}
