// What the data plane refuses lands on the objects it came from: as diagnostics, and in the issues that become a
// Rule's Accepted condition (a Rule that is not served is not Accepted=True). Real builder, real engine.
import { acceptedCondition } from '@alb/crd-types';
import { createDataPlane } from '@alb/proxy-core';
import t from 'tap';
import { dataPlaneDiagnostics, withDataPlaneIssues } from '../src/data-plane-issues.ts';
import { ObjectStore } from '../src/objects/object-store.ts';
import { buildPolicy } from '../src/policy/build-policy.ts';
import { parseManifest } from '../src/sources/parse-manifest.ts';
import { freePort, manifests } from './helpers.ts';

t.test('a rule the data plane refuses is reported on its Rule and is not Accepted', async (t) => {
  const port = await freePort();
  const store = new ObjectStore();
  const text = [
    manifests.alb(),
    manifests.frontend(port),
    manifests.service('web', 1),
    manifests.rule('test-good', port, '/good', 'web'),
    // Valid for the schema, refused by the data plane: its regex engine is linear-time (no backreferences).
    manifests.rule('test-bad', port, '/bad', 'web', '  rewrite_base: "(a)\\\\1"\n  rewrite_target: /x\n'),
  ].join('---\n');
  for (const object of parseManifest('t.yaml', text).objects) store.apply(object);
  const build = buildPolicy(store.snapshot());
  t.same(build.issuesByObject.get('Rule/kube-system/test-bad'), [], 'the builder found nothing wrong');
  const dataPlane = createDataPlane({ workers: 1, bind: '127.0.0.1' });
  t.teardown(() => dataPlane.close(0));
  const applied = await dataPlane.apply(build.config);
  t.equal(applied.issues.length, 1, 'the data plane refused one rule');

  t.match(dataPlaneDiagnostics(build, applied), [
    {
      object: { kind: 'Rule', namespace: 'kube-system', name: 'test-bad' },
      code: 'ALB_INSTANCE_DATA_PLANE',
      field: 'rewrite.base',
      message: /backreferences .*the rule is not served/,
    },
  ]);
  const issues = withDataPlaneIssues(build, applied);
  const bad = acceptedCondition(issues.get('Rule/kube-system/test-bad')!, { now: new Date() });
  t.match(bad, { status: 'False', reason: 'InvalidSpec', message: /rewrite\.base: port \d+: backreferences/ });
  const good = acceptedCondition(issues.get('Rule/kube-system/test-good')!, { now: new Date() });
  t.match(good, { status: 'True' }, 'the other rule is still Accepted');
  t.same(build.issuesByObject.get('Rule/kube-system/test-bad'), [], "the build's own result is not changed");
  t.equal(withDataPlaneIssues(build, null), build.issuesByObject, 'nothing applied yet: the build as is');
});

t.test('a port that cannot be opened is reported on its Frontend', async (t) => {
  const port = await freePort();
  const store = new ObjectStore();
  for (const object of parseManifest('t.yaml', [manifests.alb(), manifests.frontend(port)].join('---\n')).objects)
    store.apply(object);
  const build = buildPolicy(store.snapshot());
  const diagnostics = dataPlaneDiagnostics(build, {
    issues: [],
    listening: [],
    failed: [{ port, error: 'listen EADDRINUSE' }],
  });
  t.match(diagnostics, [
    {
      object: { kind: 'Frontend', namespace: 'kube-system', name: `test-${String(port).padStart(5, '0')}` },
      code: 'ALB_INSTANCE_LISTEN',
      field: 'spec.port',
      message: `cannot listen on port ${port}: listen EADDRINUSE (retried until it opens)`,
    },
  ]);
});
