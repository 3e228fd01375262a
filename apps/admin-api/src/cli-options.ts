import { parseArgs } from 'node:util';

export type AdminApiOptions = {
  source: 'file' | 'kube';
  dir?: string;
  tokens?: string;
  kubeconfig?: string;
  bind: string;
  port: number;
  domain: string;
  logLevel: string;
  accessLog: boolean;
  rateLimit: { perSecond: number; burst: number };
  /** Kube mode: how long TokenReview and SubjectAccessReview answers are kept. */
  authCacheTtlMs: number;
  authCacheDeniedTtlMs: number;
};

export const usage = `usage:
  alb-admin-api --source file --dir <path> --tokens <file> [--bind 127.0.0.1] [--port 8081]
  alb-admin-api --source kube [--kubeconfig <file>] [--bind 0.0.0.0] [--port 8081]

options:
  --source file|kube        file: the directory alb-instance reads; kube: the API server (default file)
  --dir <path>              file mode: the directory of manifests (new objects go to <dir>/admin-api/)
  --tokens <file>           file mode: kube-apiserver's token file format, token,user,uid,"group1,group2"
  --kubeconfig <file>       kube mode: cluster credentials (default: in-cluster, then KUBECONFIG)
  --bind <address>          listen address (file mode 127.0.0.1, kube mode 0.0.0.0)
  --port <port>             listen port (default 8081)
  --domain <domain>         label domain (default cpaas.io); permissions are in admin.alb.<domain>
  --rate-limit <n>          requests per second per token (default 50)
  --rate-burst <n>          requests a token may make at once (default 100)
  --auth-cache-ttl <s>      kube mode: TokenReview and allowed SubjectAccessReview answers kept (default 10)
  --auth-cache-denied-ttl <s>  kube mode: denied SubjectAccessReview answers kept (default 5)
  --access-log              log every request
  --log-level <level>       trace|debug|info|warn|error (default info)`;

export class UsageRequested extends Error {}

/** Parses the command line; throws an Error whose message names the bad option. */
export function parseOptions(argv: string[]): AdminApiOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      source: { type: 'string', default: 'file' },
      dir: { type: 'string' },
      tokens: { type: 'string' },
      kubeconfig: { type: 'string' },
      bind: { type: 'string' },
      port: { type: 'string', default: '8081' },
      domain: { type: 'string', default: 'cpaas.io' },
      'rate-limit': { type: 'string', default: '50' },
      'rate-burst': { type: 'string', default: '100' },
      'auth-cache-ttl': { type: 'string', default: '10' },
      'auth-cache-denied-ttl': { type: 'string', default: '5' },
      'access-log': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new UsageRequested();
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  const source = values.source;
  if (source !== 'file' && source !== 'kube') throw new Error(`--source must be file or kube, got ${source}`);
  if (source === 'file' && (values.dir === undefined || values.tokens === undefined))
    throw new Error('--dir and --tokens are required with --source file');
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(values['log-level']))
    throw new Error(`--log-level must be one of trace, debug, info, warn, error, got ${values['log-level']}`);
  const options: AdminApiOptions = {
    source,
    bind: values.bind ?? (source === 'file' ? '127.0.0.1' : '0.0.0.0'),
    port: integer('--port', values.port, 0, 65535),
    domain: values.domain,
    logLevel: values['log-level'],
    accessLog: values['access-log'],
    rateLimit: {
      perSecond: integer('--rate-limit', values['rate-limit'], 1, 1_000_000),
      burst: integer('--rate-burst', values['rate-burst'], 1, 1_000_000),
    },
    authCacheTtlMs: integer('--auth-cache-ttl', values['auth-cache-ttl'], 0, 3600) * 1000,
    authCacheDeniedTtlMs: integer('--auth-cache-denied-ttl', values['auth-cache-denied-ttl'], 0, 3600) * 1000,
  };
  if (values.dir !== undefined) options.dir = values.dir;
  if (values.tokens !== undefined) options.tokens = values.tokens;
  if (values.kubeconfig !== undefined) options.kubeconfig = values.kubeconfig;
  return options;
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a number, got ${text}`);
  const value = Number(text);
  if (value < min || value > max) throw new Error(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}
