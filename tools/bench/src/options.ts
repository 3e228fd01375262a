import { parseArgs } from 'node:util';
import { BenchError, errorCodes } from './errors.ts';

export type BenchOptions = {
  rounds: number;
  /** Seconds per measured wrk run. */
  durationS: number;
  /** Seconds of the warm-up run per proxy and body (not measured). */
  warmupS: number;
  connections: number;
  /** Seconds of the load run per profiled proxy while strace counts its system calls. */
  profileS: number;
  /** Proxy on CPU 1, wrk and the backend on CPU 0 (taskset). */
  pin: boolean;
  /** Where to write the raw results as JSON, or null. */
  json: string | null;
  help: boolean;
};

export const usage = `Usage: npm run bench:proxy -- [options]

Measures nginx, haproxy, ALB proxy-core (1000 rules) and two Node proxies against one nginx backend with wrk.

Options:
  --rounds <n>       measured rounds; each runs every proxy once per body, in rotating order (default 5)
  --duration <s>     seconds per measured run (default 10; wrk counts whole seconds)
  --warmup <s>       seconds of warm-up per proxy and body before the rounds (default 2)
  --connections <n>  wrk connections (default 50; one wrk thread)
  --profile <s>      seconds of load while strace counts nginx's and ALB's system calls (default 3)
  --quick            smoke run: 1 round of 1 s, 1 s warm-up (explicit options still win)
  --pin              pin with taskset: proxy on CPU 1, wrk and backend on CPU 0 (needs 2+ CPUs)
  --json <file>      also write the raw runs and the summary as JSON to <file>
  --help             this text
`;

/** Parses the command line (`process.argv.slice(2)`); throws ALB_BENCH_USAGE with the reason and the usage. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        profile: { type: 'string' },
        quick: { type: 'boolean', default: false },
        pin: { type: 'boolean', default: false },
        json: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new BenchError(errorCodes.usage, `${(error as Error).message}\n\n${usage}`);
  }
  const quick = values.quick === true;
  return {
    rounds: integer('--rounds', values.rounds, quick ? 1 : 5, 1),
    durationS: seconds('--duration', values.duration, quick ? 1 : 10),
    warmupS: seconds('--warmup', values.warmup, quick ? 1 : 2),
    connections: integer('--connections', values.connections, 50, 1),
    profileS: seconds('--profile', values.profile, quick ? 1 : 3),
    pin: values.pin === true,
    json: values.json ?? null,
    help: values.help === true,
  };
}

function integer(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new BenchError(errorCodes.usage, `${flag} wants a whole number >= ${min}, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Whole seconds, `10` or `10s` (wrk's smallest unit is a second). */
function seconds(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const m = /^(\d+)s?$/.exec(text);
  if (m === null || Number(m[1]) < 1)
    throw new BenchError(
      errorCodes.usage,
      `${flag} wants whole seconds >= 1 (e.g. 10 or 10s), got ${JSON.stringify(text)}`,
    );
  return Number(m[1]);
}
