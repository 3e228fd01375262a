// The Accepted condition: built from issues, valid per the schema, stable lastTransitionTime.
import t from 'tap';
import type { Condition, ValidationIssue } from '../src/index.ts';
import { acceptedCondition, validateFrontend, validateRule } from '../src/index.ts';
import { fixture, patched } from './helpers.ts';

const now = new Date('2025-03-01T10:00:00.000Z');
const later = new Date('2025-03-01T11:00:00.000Z');
const error: ValidationIssue = {
  path: 'spec.port',
  message: 'must be between 1 and 65535, got 0',
  code: 'ALB_CRD_RANGE',
  severity: 'error',
};
const warning: ValidationIssue = {
  path: 'spec.x',
  message: 'unknown field, ignored',
  code: 'ALB_CRD_UNKNOWN_FIELD',
  severity: 'warning',
};

t.test('status, reason and message follow the issues', async (t) => {
  const cases = [
    { name: 'clean', input: [], want: { status: 'True', reason: 'Valid', message: '' } },
    {
      name: 'warnings only',
      input: [warning],
      want: { status: 'True', reason: 'ValidWithWarnings', message: 'spec.x: unknown field, ignored' },
    },
    {
      name: 'errors (warnings left out)',
      input: [error, warning],
      want: { status: 'False', reason: 'InvalidSpec', message: 'spec.port: must be between 1 and 65535, got 0' },
    },
  ];
  for (const c of cases) {
    const condition = acceptedCondition(c.input, { now, generation: 3 });
    t.match(
      condition,
      { type: 'Accepted', observedGeneration: 3, lastTransitionTime: now.toISOString(), ...c.want },
      c.name,
    );
  }
});

t.test('lastTransitionTime changes only with status', async (t) => {
  const previous: Condition[] = [acceptedCondition([], { now })];
  t.equal(acceptedCondition([warning], { now: later, previous }).lastTransitionTime, now.toISOString());
  t.equal(acceptedCondition([error], { now: later, previous }).lastTransitionTime, later.toISOString());
});

t.test('long messages are cut to the API limit', async (t) => {
  const many = Array.from({ length: 2000 }, (_, i) => ({ ...error, path: `spec.field${i}` }));
  t.equal(acceptedCondition(many, { now }).message.length, 32768);
});

t.test('a condition written into status validates', async (t) => {
  const issues = validateFrontend(patched(fixture('examples/frontend.yaml'), (f) => (f.spec.port = 0)));
  const condition = acceptedCondition(issues, { now, generation: 1 });
  const rule = patched(fixture('examples/rule.yaml'), (r) => (r.status = { conditions: [condition] }));
  t.same(validateRule(rule), []);
});
