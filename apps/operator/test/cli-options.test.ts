import t from 'tap';
import { defaultImage, parseOptions, UsageRequested } from '../src/cli-options.ts';
import { UsageError } from '../src/errors.ts';

t.test('defaults', async (t) => {
  t.match(parseOptions([]), {
    image: defaultImage,
    opsPort: 8080,
    opsBind: '0.0.0.0',
    domain: 'cpaas.io',
    workers: 4,
    leaderElect: true,
    leaderElectionId: 'alb-operator',
    leaderTimings: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
  });
  t.equal(parseOptions([]).namespace, undefined, 'every namespace');
  t.match(defaultImage, /^alb-instance:\d+\.\d+\.\d+/);
});

t.test('the contract flags', async (t) => {
  t.match(
    parseOptions(['--kubeconfig', '/k', '--namespace', 'team-a', '--image', 'r.example/alb:2', '--ops-port', '9000']),
    { kubeconfig: '/k', namespace: 'team-a', image: 'r.example/alb:2', opsPort: 9000 },
  );
  t.match(
    parseOptions([
      '--leader-elect',
      'false',
      '--lease-duration',
      '6',
      '--renew-deadline',
      '4',
      '--retry-period',
      '0.5',
    ]),
    { leaderElect: false, leaderTimings: { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryPeriodMs: 500 } },
  );
});

const bad: Array<[string[], RegExp]> = [
  [['--ops-port', '70000'], /--ops-port must be between 0 and 65535/],
  [['--workers', '0'], /--workers must be between 1 and 64/],
  [['--image', ''], /--image must be an image reference/],
  [['--leader-elect', 'yes'], /--leader-elect must be true or false/],
  [['--namespace', 'Team_A'], /--namespace must be a Kubernetes object name/],
  [['--lease-duration', '10', '--renew-deadline', '10'], /--lease-duration: leaseDurationMs \(10000\) must be greater/],
  [['--lease-duration', '1.5'], /--lease-duration: .*whole number of seconds/],
  [['--retry-period', 'soon'], /--retry-period must be a positive number of seconds/],
  [['--log-level', 'loud'], /--log-level must be one of/],
  [['--frobnicate'], /Unknown option '--frobnicate'/],
  [['extra'], /unexpected argument extra/],
];
for (const [argv, message] of bad) {
  t.test(`refused: ${argv.join(' ')}`, async (t) => {
    t.throws(() => parseOptions(argv), message);
    try {
      parseOptions(argv);
    } catch (error) {
      t.ok(error instanceof UsageError);
      t.equal((error as UsageError).code, 'ALB_OPERATOR_USAGE');
    }
  });
}

t.test('--help', async (t) => {
  for (const flag of ['--help', '-h']) {
    let thrown: unknown = null;
    try {
      parseOptions([flag]);
    } catch (error) {
      thrown = error;
    }
    t.ok(thrown instanceof UsageRequested, flag);
  }
});
