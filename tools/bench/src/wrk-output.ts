import { BenchError, errorCodes } from './errors.ts';

export type WrkResult = {
  requestsPerSec: number;
  /** Latency percentiles in milliseconds (from `--latency`). */
  p50Ms: number;
  p99Ms: number;
  /** Requests completed in the run. */
  requests: number;
  /** Responses with a status outside 2xx/3xx. */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
};

const toMs: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses the text `wrk --latency` prints; throws ALB_BENCH_WRK_OUTPUT when a needed line is missing. */
export function parseWrkOutput(text: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)\s*$/m.exec(text);
  const requests = /^\s*(\d+) requests in /m.exec(text);
  const p50 = percentile(text, '50');
  const p99 = percentile(text, '99');
  if (rps === null || requests === null || p50 === null || p99 === null) {
    const missing = [
      rps === null ? 'Requests/sec' : null,
      requests === null ? 'requests in' : null,
      p50 === null ? '50%' : null,
      p99 === null ? '99%' : null,
    ].filter((m) => m !== null);
    throw new BenchError(errorCodes.wrkOutput, `wrk output lacks ${missing.join(', ')}:\n${text}`);
  }
  const non2xx = /^\s*Non-2xx or 3xx responses:\s+(\d+)/m.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: p50,
    p99Ms: p99,
    requests: Number(requests[1]),
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    socketErrors: {
      connect: socket === null ? 0 : Number(socket[1]),
      read: socket === null ? 0 : Number(socket[2]),
      write: socket === null ? 0 : Number(socket[3]),
      timeout: socket === null ? 0 : Number(socket[4]),
    },
  };
}

/** A line of the "Latency Distribution" block, e.g. `     99%    3.21ms`, in milliseconds. */
function percentile(text: string, pct: string): number | null {
  const m = new RegExp(`^\\s+${pct}(?:\\.0+)?%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(text);
  if (m === null) return null;
  return Number(m[1]) * toMs[m[2]!]!;
}
