// What the operator makes of an ALB2, golden files: fixtures/plan/<case>.in.yaml (the ALB2, and the Frontends it
// has as `frontends:`) -> <case>.out.yaml (the ALB2's labels and finalizer, every child as applied, or the
// problem). `# domain: <d>` in the input sets the label domain. UPDATE_GOLDEN=1 rewrites the .out.yaml files.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { parseAllDocuments, stringify } from 'yaml';
import { planAlb } from '../src/reconcile/plan-alb.ts';

const dir = new URL('./fixtures/plan/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.in.yaml'))
  .map((f) => f.slice(0, -'.in.yaml'.length));

/** The fixed context of every case: the operator's image and version as a release would have them. */
export const goldenContext = { image: 'alb-instance:0.1.0', version: '0.1.0', domain: 'cpaas.io' };

export function planFromYaml(text: string) {
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
  const alb = docs.find((d) => d.kind === 'ALB2');
  const frontends = (docs.find((d) => Array.isArray(d.frontends))?.frontends ?? []) as Array<{
    port: number;
    protocol: string;
  }>;
  const domain = /^# domain: (\S+)/m.exec(text)?.[1] ?? goldenContext.domain;
  return planAlb(alb, frontends, { ...goldenContext, domain });
}

t.test('golden plans', async (t) => {
  t.ok(cases.length >= 7, 'every case is found');
  for (const name of cases) {
    const text = readFileSync(new URL(`${name}.in.yaml`, dir), 'utf8');
    const plan = planFromYaml(text);
    const shown = plan.ok
      ? { version: plan.version, metadata: plan.metadata, children: plan.children, warnings: plan.warnings }
      : { problem: plan.problem, issues: plan.issues };
    const output = stringify(shown, { lineWidth: 0, aliasDuplicateObjects: false });
    const goldenPath = new URL(`${name}.out.yaml`, dir);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, output);
    t.equal(output, readFileSync(goldenPath, 'utf8'), `${name}.out.yaml is current (UPDATE_GOLDEN=1 to rewrite)`);
  }
});

t.test('plans are deterministic: the same ALB2 gives byte-identical children, whatever the key order', async (t) => {
  const text = readFileSync(new URL('host-tuned.in.yaml', dir), 'utf8');
  const once = JSON.stringify(planFromYaml(text));
  t.equal(JSON.stringify(planFromYaml(text)), once);
  const alb = parseAllDocuments(text)[0]!.toJS() as { spec: { config: Record<string, unknown> } };
  const reversed = {
    ...alb,
    spec: { ...alb.spec, config: Object.fromEntries(Object.entries(alb.spec.config).reverse()) },
  };
  t.equal(JSON.stringify(planAlb(reversed, [], goldenContext)), once);
});
