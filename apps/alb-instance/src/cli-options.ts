import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { jitterFactor, resolveTimings, type LeaderTimings } from '@alb/leader';
import { defaultMaxConnections } from '@alb/proxy-core';

export type InstanceOptions = {
  source: 'file' | 'kube';
  dir?: string;
  alb?: string;
  namespace?: string;
  kubeconfig?: string;
  bind: string;
  opsPort: number;
  opsBind: string;
  workers: number;
  domain: string;
  trustedProxies: string[];
  accessLog: boolean;
  logLevel: string;
  drainTimeoutMs: number;
  /** Client connections each Frontend port keeps open per worker; more are closed at once. */
  maxConnections: number;
  /** During a burst of changes, trim memory once RSS grew this much over the last trim (0: only once they settle). */
  burstMemoryBudgetBytes: number;
  /** Kube mode: leader election of the instances of one ALB. */
  leaderTimings: LeaderTimings;
};

export const usage = `usage:
  alb-instance --source file --dir <path> [--alb <name>] [--bind 127.0.0.1] [--ops-port 1936] [--workers N]
  alb-instance --source kube [--kubeconfig <file>] --alb <name> --namespace <ns>

options:
  --source file|kube        where objects come from (default file)
  --dir <path>              file mode: the directory of manifests (*.yaml, *.yml, *.json, followed live)
  --alb <name>              the ALB2 to serve (file mode: optional when the directory defines one)
  --namespace <ns>          kube mode: the ALB2's namespace
  --kubeconfig <file>       kube mode: cluster credentials (default: in-cluster, then KUBECONFIG)
  --bind <address>          address Frontend ports listen on (file mode 127.0.0.1, kube mode 0.0.0.0)
  --ops-port <port>         /healthz, /readyz, /metrics (default 1936; 0 = off)
  --ops-bind <address>      address of the ops port (default: --bind)
  --workers <n>             data-plane processes (default: one per CPU)
  --domain <domain>         label domain (default cpaas.io)
  --trusted-proxies <list>  comma-separated CIDRs whose X-Forwarded-For / X-Real-IP are believed
  --access-log              log every request (JSON lines on stdout)
  --log-level <level>       trace|debug|info|warn|error (default info)
  --drain-timeout <s>       on SIGTERM, seconds to let in-flight requests finish (default 30)
  --max-connections <n>     client connections per Frontend port and worker; more are closed at once (default ${defaultMaxConnections})
  --burst-memory-budget <MiB>  during a burst of config changes, give memory back once a process grew this much
                            (a GC pause each time; 0: only once changes settle; default 48)
  --lease-duration <s>      kube mode: leader election lease, whole seconds (default 15)
  --renew-deadline <s>      kube mode: a leader that cannot renew for this long stops leading (default 10)
  --retry-period <s>        kube mode: time between election attempts and renewals (default 2)`;

/** Parses the command line; throws an Error whose message names the bad option. */
export function parseOptions(argv: string[]): InstanceOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      source: { type: 'string', default: 'file' },
      dir: { type: 'string' },
      alb: { type: 'string' },
      namespace: { type: 'string' },
      kubeconfig: { type: 'string' },
      bind: { type: 'string' },
      'ops-port': { type: 'string', default: '1936' },
      'ops-bind': { type: 'string' },
      workers: { type: 'string' },
      domain: { type: 'string', default: 'cpaas.io' },
      'trusted-proxies': { type: 'string', default: '' },
      'access-log': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'drain-timeout': { type: 'string', default: '30' },
      'max-connections': { type: 'string', default: String(defaultMaxConnections) },
      'burst-memory-budget': { type: 'string', default: '48' },
      'lease-duration': { type: 'string', default: '15' },
      'renew-deadline': { type: 'string', default: '10' },
      'retry-period': { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new UsageRequested();
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  const source = values.source;
  if (source !== 'file' && source !== 'kube') throw new Error(`--source must be file or kube, got ${source}`);
  if (source === 'file' && values.dir === undefined) throw new Error('--dir is required with --source file');
  if (source === 'kube' && (values.alb === undefined || values.namespace === undefined))
    throw new Error('--alb and --namespace are required with --source kube');
  const bind = values.bind ?? (source === 'file' ? '127.0.0.1' : '0.0.0.0');
  const options: InstanceOptions = {
    source,
    bind,
    opsPort: integer('--ops-port', values['ops-port'], 0, 65535),
    opsBind: values['ops-bind'] ?? bind,
    workers: values.workers === undefined ? availableParallelism() : integer('--workers', values.workers, 1, 256),
    domain: values.domain,
    trustedProxies: values['trusted-proxies']
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    accessLog: values['access-log'],
    logLevel: values['log-level'],
    drainTimeoutMs: integer('--drain-timeout', values['drain-timeout'], 0, 3600) * 1000,
    maxConnections: integer('--max-connections', values['max-connections'], 1, 10_000_000),
    burstMemoryBudgetBytes: integer('--burst-memory-budget', values['burst-memory-budget'], 0, 1_000_000) * 2 ** 20,
    leaderTimings: leaderTimings(values['lease-duration'], values['renew-deadline'], values['retry-period']),
  };
  if (values.dir !== undefined) options.dir = values.dir;
  if (values.alb !== undefined) options.alb = values.alb;
  if (values.namespace !== undefined) options.namespace = values.namespace;
  if (values.kubeconfig !== undefined) options.kubeconfig = values.kubeconfig;
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(options.logLevel))
    throw new Error(`--log-level must be one of trace, debug, info, warn, error, got ${options.logLevel}`);
  return options;
}

export class UsageRequested extends Error {}

/** The election timings in seconds (fractions allowed but for the lease), checked as the elector will. */
function leaderTimings(lease: string, renew: string, retry: string): LeaderTimings {
  const leaseS = integer('--lease-duration', lease, 1, 3600);
  const renewS = seconds('--renew-deadline', renew);
  const retryS = seconds('--retry-period', retry);
  if (leaseS <= renewS)
    throw new Error(`--lease-duration (${leaseS}s) must be greater than --renew-deadline (${renewS}s)`);
  if (renewS <= jitterFactor * retryS)
    throw new Error(`--renew-deadline (${renewS}s) must be greater than ${jitterFactor} × --retry-period (${retryS}s)`);
  return resolveTimings({
    leaseDurationMs: leaseS * 1000,
    renewDeadlineMs: Math.round(renewS * 1000),
    retryPeriodMs: Math.round(retryS * 1000),
  });
}

function seconds(name: string, text: string): number {
  if (!/^\d+(\.\d{1,3})?$/.test(text) || Number(text) <= 0)
    throw new Error(`${name} must be a positive number of seconds, got ${text}`);
  return Number(text);
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a number, got ${text}`);
  const value = Number(text);
  if (value < min || value > max) throw new Error(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}
