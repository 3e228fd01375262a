// The status the operator writes: ALB's states and wording, our conditions, and timestamps that move only when
// something else does (so a steady ALB is written once).
import t from 'tap';
import { loadBalancerAddresses, nodeAddresses } from '../src/status/addresses.ts';
import {
  computeStatus,
  deployState,
  statusUpToDate,
  type DeploymentView,
  type StatusInput,
} from '../src/status/alb-status.ts';

const rolledOut: DeploymentView = {
  generation: 2,
  observedGeneration: 2,
  replicas: 2,
  currentReplicas: 2,
  updatedReplicas: 2,
  readyReplicas: 2,
  failure: null,
  replicaFailure: null,
};
const none = { ok: false, msg: '', ipv4: [], ipv6: [], host: [] };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const base: StatusInput = {
  generation: 5,
  previous: undefined,
  now: at(0),
  invalid: null,
  applyProblem: null,
  deployment: rolledOut,
  addresses: { ok: true, msg: '192.0.2.10', ipv4: ['192.0.2.10'], ipv6: [], host: [] },
  waitsForLoadBalancer: false,
  version: { version: '0.1.0', imagePatch: null },
};

t.test('deploy states (ALB wording)', async (t) => {
  t.same(deployState(null), { state: 'Pending', reason: 'wait workload creating' });
  t.same(deployState(rolledOut), { state: 'Running', reason: '' });
  t.match(deployState({ ...rolledOut, readyReplicas: 1 }), { state: 'Progressing', reason: /1\/2 ready/ });
  t.match(deployState({ ...rolledOut, observedGeneration: 1 }), { state: 'Progressing' });
  t.match(deployState({ ...rolledOut, currentReplicas: 3 }), { state: 'Progressing' }, 'an old pod still terminating');
  t.match(
    deployState({ ...rolledOut, readyReplicas: 0, replicaFailure: 'serviceaccount "x" not found' }),
    { state: 'Progressing', reason: /ReplicaFailure: serviceaccount "x" not found/ },
    'ReplicaFailure is retried by the controller: shown, not an error',
  );
  t.same(deployState({ ...rolledOut, failure: 'ProgressDeadlineExceeded: stuck' }), {
    state: 'Error',
    reason: 'ProgressDeadlineExceeded: stuck',
  });
});

const cases: Array<{ name: string; input: Partial<StatusInput>; want: object }> = [
  {
    name: 'running, with the nodes addresses',
    input: {},
    want: {
      state: 'Running',
      observedGeneration: 5,
      detail: { deploy: { state: 'Running' }, address: { ok: true, msg: '192.0.2.10' }, version: { version: '0.1.0' } },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Running' },
        { type: 'Progressing', status: 'False', reason: 'Stable' },
        { type: 'Degraded', status: 'False', reason: 'AsExpected' },
      ],
    },
  },
  {
    name: 'no Deployment yet',
    input: { deployment: null, addresses: none },
    want: {
      state: 'Pending',
      reason: 'wait workload creating',
      conditions: [
        { type: 'Ready', status: 'False' },
        { type: 'Progressing', status: 'True', reason: 'RollingOut' },
        {},
      ],
    },
  },
  {
    name: 'LoadBalancer without an ingress point yet',
    input: { waitsForLoadBalancer: true, addresses: none },
    want: {
      state: 'Progressing',
      reason: 'wait lb svc ready',
      conditions: [{}, { type: 'Progressing', status: 'True', reason: 'WaitingForAddress' }, {}],
    },
  },
  {
    name: 'a child refused by the API server',
    input: { applyProblem: { code: 'ALB_OPERATOR_NAME_TAKEN', message: 'IngressClass x already exists' } },
    want: {
      state: 'Warning',
      reason: 'IngressClass x already exists [ALB_OPERATOR_NAME_TAKEN]',
      detail: { deploy: { state: 'Error' } },
      conditions: [{}, {}, { type: 'Degraded', status: 'True', reason: 'NameTaken' }],
    },
  },
  {
    name: 'a rollout past its deadline',
    input: { deployment: { ...rolledOut, failure: 'ProgressDeadlineExceeded: x' } },
    want: {
      state: 'Warning',
      reason: 'ProgressDeadlineExceeded: x [ALB_OPERATOR_ROLLOUT_FAILED]',
      conditions: [{}, {}, { type: 'Degraded', status: 'True', reason: 'RolloutFailed' }],
    },
  },
  {
    name: 'image override in the version',
    input: { version: { version: 'p1', imagePatch: 'r.example/alb:p1' } },
    want: { detail: { version: { version: 'p1', imagePatch: 'r.example/alb:p1' } } },
  },
];
for (const { name, input, want } of cases) {
  t.test(name, async (t) => {
    t.match(computeStatus({ ...base, ...input }), want);
  });
}

t.test('an invalid spec: Degraded with the field, the rest of what was known kept as it was', async (t) => {
  const running = computeStatus(base);
  const invalid = computeStatus({
    ...base,
    previous: running,
    now: at(30),
    generation: 6,
    invalid: { code: 'ALB_OPERATOR_INVALID_SPEC', message: 'spec.config.replicas: must be at least 0, got -1' },
  });
  t.equal(invalid.state, 'Warning');
  t.match(invalid.reason, /^spec\.config\.replicas: must be at least 0/);
  t.same(invalid.detail, running.detail, 'deploy, address, version untouched');
  t.match(invalid.conditions, [
    { type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:00:30Z' },
    {},
    {
      type: 'Degraded',
      status: 'True',
      reason: 'InvalidSpec',
      message: /spec\.config\.replicas/,
      observedGeneration: 6,
    },
  ]);
});

t.test('the same observations give the same status: timestamps do not move, nothing to write', async (t) => {
  const first = computeStatus(base);
  const again = computeStatus({ ...base, previous: first, now: at(50) });
  t.same(again, first);
  t.ok(statusUpToDate(again, first));
  t.ok(
    statusUpToDate(again, { ...first, detail: { ...first.detail, alb: { portstatus: {} } } }),
    "the leader's part aside",
  );
  const changed = computeStatus({
    ...base,
    previous: first,
    now: at(50),
    deployment: { ...rolledOut, readyReplicas: 1 },
  });
  t.equal(changed.probeTimeStr, '2026-01-01T00:00:50Z', 'a change moves the probe time');
  t.equal(changed.conditions![0]!.lastTransitionTime, '2026-01-01T00:00:50Z', 'Ready turned False');
  t.equal(
    changed.conditions![2]!.lastTransitionTime,
    first.conditions![2]!.lastTransitionTime,
    'Degraded did not change',
  );
  t.notOk(statusUpToDate(changed, first));
});

t.test('addresses: nodes of ready instances, ExternalIP first; LoadBalancer ingress points', async (t) => {
  const nodes = new Map([
    ['a', { name: 'a', addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] }],
    [
      'b',
      {
        name: 'b',
        addresses: [
          { type: 'InternalIP', address: '10.0.0.2' },
          { type: 'ExternalIP', address: '203.0.113.2' },
        ],
      },
    ],
    ['c', { name: 'c', addresses: [{ type: 'InternalIP', address: 'fd00::3' }] }],
  ]);
  t.same(
    nodeAddresses(
      [
        { nodeName: 'a', ready: true, deleting: false },
        { nodeName: 'b', ready: true, deleting: false },
        { nodeName: 'c', ready: true, deleting: false },
        { nodeName: 'a', ready: true, deleting: false },
        { nodeName: 'd', ready: false, deleting: false },
      ],
      nodes,
    ),
    { ok: true, msg: '10.0.0.1,203.0.113.2,fd00::3', ipv4: ['10.0.0.1', '203.0.113.2'], ipv6: ['fd00::3'], host: [] },
  );
  t.same(nodeAddresses([{ nodeName: 'a', ready: true, deleting: true }], nodes), none, 'a terminating instance');
  t.same(loadBalancerAddresses([{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }]), {
    ok: true,
    msg: '203.0.113.7,lb.example.com',
    ipv4: ['203.0.113.7'],
    ipv6: [],
    host: ['lb.example.com'],
  });
});
