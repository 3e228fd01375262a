// The typed fixtures (checked by tsc) equal the YAML examples and validate, and the types fit @alb/dslx.
import t from 'tap';
import { compile, type DslxTerm as DslxPackageTerm } from '@alb/dslx';
import type { DslxTerm } from '../src/index.ts';
import { validateAlb2, validateFrontend, validateRule } from '../src/index.ts';
import { fixture } from './helpers.ts';
import { alb2, frontend, rule } from './typed-fixtures.ts';

t.test('typed fixtures equal the YAML examples and validate', async (t) => {
  t.same(alb2, fixture('examples/alb2.yaml'));
  t.same(frontend, fixture('examples/frontend.yaml'));
  t.same(rule, fixture('examples/rule.yaml'));
  t.same([...validateAlb2(alb2), ...validateFrontend(frontend), ...validateRule(rule)], []);
});

t.test("a Rule's dslx goes straight to @alb/dslx", async (t) => {
  const terms: DslxTerm[] = rule.spec.dslx;
  const asDslx: DslxPackageTerm[] = terms; // compile-time: the two DslxTerm types agree
  const matcher = compile(asDslx);
  t.ok(
    matcher.match({
      method: 'POST',
      url: '/app-a/x?group=vip',
      headers: { host: 'www.app.com', location: 'east-1', cookie: 'uid=1' },
      remoteAddress: '1.1.1.50',
    }),
  );
});
