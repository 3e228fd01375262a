// The objects of Alauda's documentation (docs/alauda-examples.md) and objects as Alauda ALB writes them validate
// cleanly, and parseX returns them unchanged (typed), as the API server would store them.
import t from 'tap';
import { parseAlb2, parseFrontend, parseRule, validateAlb2, validateFrontend, validateRule } from '../src/index.ts';
import { fixture, patched } from './helpers.ts';

const cases = [
  { name: 'docs ALB2 alb-demo', file: 'examples/alb2.yaml', parse: parseAlb2 },
  { name: 'docs Frontend alb-demo-00080', file: 'examples/frontend.yaml', parse: parseFrontend },
  { name: 'docs Rule with the seven-term dslx', file: 'examples/rule.yaml', parse: parseRule },
  { name: 'Rule written by the Ingress translator', file: 'alauda/rule-from-ingress.yaml', parse: parseRule },
  { name: 'ALB2 v2 with every config key', file: 'alauda/alb2-full.yaml', parse: parseAlb2 },
  { name: 'ALB2 deprecated v1', file: 'alauda/alb2-v1.yaml', parse: parseAlb2 },
] as const;

for (const c of cases) {
  t.test(c.name, async (t) => {
    const input = fixture(c.file);
    const parsed = c.parse(input);
    t.same(parsed.issues, []);
    t.ok(parsed.ok);
    t.same(parsed.value, input, 'stored unchanged');
  });
}

t.test(
  'https Frontend: empty YAML values are absent, HTTPS backendProtocol and the misspelt otel flag accepted',
  async (t) => {
    const input = fixture('alauda/frontend-https.yaml');
    const parsed = parseFrontend(input);
    t.same(parsed.issues, []);
    t.ok(parsed.ok);
    t.notOk('serviceGroup' in (parsed.value!.spec as object), 'serviceGroup: (null) is dropped');
    t.equal(parsed.value!.spec.backendProtocol, 'HTTPS');
  },
);

t.test('parse drops unknown fields (a warning) but keeps unknown ALB2 config keys', async (t) => {
  const frontend = patched(fixture('examples/frontend.yaml'), (f) => {
    f.spec.servicegroup = { services: [] };
    f.extra = 1;
  });
  const parsed = parseFrontend(frontend);
  t.ok(parsed.ok);
  t.same(
    parsed.issues.map((i) => [i.path, i.code, i.severity]),
    [
      ['extra', 'ALB_CRD_UNKNOWN_FIELD', 'warning'],
      ['spec.servicegroup', 'ALB_CRD_UNKNOWN_FIELD', 'warning'],
    ],
  );
  t.notOk('servicegroup' in parsed.value!.spec);
  t.notOk('extra' in parsed.value!);
  t.ok('servicegroup' in (frontend.spec as object), 'the input is not modified');

  const alb = parseAlb2(fixture('alauda/alb2-full.yaml'));
  t.equal((alb.value!.spec!.config as Record<string, unknown>).someFutureKey, 'kept');
});

t.test('the validators accept all three ALB2 versions and nothing else', async (t) => {
  for (const apiVersion of ['crd.alauda.io/v2beta1', 'crd.alauda.io/v2', 'crd.alauda.io/v1'])
    t.same(validateAlb2({ ...fixture('examples/alb2.yaml'), apiVersion }), [], apiVersion);
  t.same(
    validateFrontend({ ...fixture('examples/frontend.yaml'), apiVersion: 'crd.alauda.io/v2' }).map((i) => i.code),
    ['ALB_CRD_KIND'],
  );
  t.same(validateRule(fixture('examples/rule.yaml'), { domain: 'cpaas.io' }), []);
});
