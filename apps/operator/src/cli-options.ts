import { parseArgs } from 'node:util';
import { LeaderConfigError, resolveTimings, type LeaderTimings } from '@alb/leader';
import { defaultDomain } from '@alb/crd-types';
import { UsageError } from './errors.ts';
import { operatorVersion } from './version.ts';

export type OperatorOptions = {
  kubeconfig?: string;
  /** Only ALB2s of this namespace; undefined = every namespace. */
  namespace?: string;
  /** The instance image every ALB runs (an ALB2's `overwrite.image` may replace it). */
  image: string;
  opsPort: number;
  opsBind: string;
  domain: string;
  /** ALB2s reconciled at the same time. */
  workers: number;
  logLevel: string;
  leaderElect: boolean;
  /** Where the operator's Lease lives; undefined = $POD_NAMESPACE, else the service account's, else alb-system. */
  leaderElectionNamespace?: string;
  leaderElectionId: string;
  leaderTimings: LeaderTimings;
};

export const defaultImage = `alb-instance:${operatorVersion}`;

export const usage = `usage:
  alb-operator [--kubeconfig <file>] [--namespace <ns>] [--image <instance image>] [--ops-port <port>]

options:
  --kubeconfig <file>                 cluster credentials (default: in-cluster, then KUBECONFIG, ~/.kube/config)
  --namespace <ns>                    reconcile only the ALB2s of this namespace (default: every namespace)
  --image <ref>                       the alb-instance image of every ALB (default ${defaultImage})
  --ops-port <port>                   /healthz, /readyz, /metrics (default 8080; 0 = off)
  --ops-bind <address>                address of the ops port (default 0.0.0.0)
  --domain <domain>                   label domain (default ${defaultDomain})
  --workers <n>                       ALB2s reconciled concurrently (default 4)
  --log-level <level>                 trace|debug|info|warn|error (default info)
  --leader-elect true|false           elect one active replica through a Lease (default true)
  --leader-election-namespace <ns>    namespace of the Lease (default: $POD_NAMESPACE, else the pod's service
                                      account namespace, else alb-system)
  --leader-election-id <name>         name of the Lease (default alb-operator)
  --lease-duration <s>                leader election lease, whole seconds (default 15)
  --renew-deadline <s>                a leader that cannot renew for this long stops leading (default 10)
  --retry-period <s>                  time between election attempts and renewals (default 2)`;

/** Parses the command line; throws UsageError (naming the option) or UsageRequested (`--help`). */
export function parseOptions(argv: string[]): OperatorOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kubeconfig: { type: 'string' },
        namespace: { type: 'string' },
        image: { type: 'string', default: defaultImage },
        'ops-port': { type: 'string', default: '8080' },
        'ops-bind': { type: 'string', default: '0.0.0.0' },
        domain: { type: 'string', default: defaultDomain },
        workers: { type: 'string', default: '4' },
        'log-level': { type: 'string', default: 'info' },
        'leader-elect': { type: 'string', default: 'true' },
        'leader-election-namespace': { type: 'string' },
        'leader-election-id': { type: 'string', default: 'alb-operator' },
        'lease-duration': { type: 'string', default: '15' },
        'renew-deadline': { type: 'string', default: '10' },
        'retry-period': { type: 'string', default: '2' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageRequested();
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (values.image.trim() === '' || /\s/.test(values.image))
    throw new UsageError(`--image must be an image reference, got "${values.image}"`);
  if (!['true', 'false'].includes(values['leader-elect']))
    throw new UsageError(`--leader-elect must be true or false, got ${values['leader-elect']}`);
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(values['log-level']))
    throw new UsageError(`--log-level must be one of trace, debug, info, warn, error, got ${values['log-level']}`);
  for (const flag of ['namespace', 'leader-election-namespace', 'leader-election-id'] as const) {
    const value = values[flag];
    if (value !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value))
      throw new UsageError(`--${flag} must be a Kubernetes object name, got "${value}"`);
  }
  const options: OperatorOptions = {
    image: values.image,
    opsPort: integer('--ops-port', values['ops-port'], 0, 65535),
    opsBind: values['ops-bind'],
    domain: values.domain,
    workers: integer('--workers', values.workers, 1, 64),
    logLevel: values['log-level'],
    leaderElect: values['leader-elect'] === 'true',
    leaderElectionId: values['leader-election-id'],
    leaderTimings: timings(values['lease-duration'], values['renew-deadline'], values['retry-period']),
  };
  if (values.kubeconfig !== undefined) options.kubeconfig = values.kubeconfig;
  if (values.namespace !== undefined) options.namespace = values.namespace;
  if (values['leader-election-namespace'] !== undefined)
    options.leaderElectionNamespace = values['leader-election-namespace'];
  return options;
}

export class UsageRequested extends Error {}

const timingFlags: Record<string, string> = {
  leaseDurationMs: '--lease-duration',
  renewDeadlineMs: '--renew-deadline',
  retryPeriodMs: '--retry-period',
};

/** Seconds on the command line, checked by @alb/leader's own rules (its message, in ms, after the flag's name). */
function timings(lease: string, renew: string, retry: string): LeaderTimings {
  const ms = (flag: string, text: string) => {
    if (!/^\d+(\.\d{1,3})?$/.test(text) || Number(text) <= 0)
      throw new UsageError(`${flag} must be a positive number of seconds, got ${text}`);
    return Math.round(Number(text) * 1000);
  };
  try {
    return resolveTimings({
      leaseDurationMs: ms('--lease-duration', lease),
      renewDeadlineMs: ms('--renew-deadline', renew),
      retryPeriodMs: ms('--retry-period', retry),
    });
  } catch (error) {
    if (!(error instanceof LeaderConfigError)) throw error;
    throw new UsageError(`${timingFlags[error.field] ?? error.field}: ${error.message}`);
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${name} must be a number, got ${text}`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}
