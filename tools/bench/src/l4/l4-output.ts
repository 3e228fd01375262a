/** Readers of what the L4 load tools print. Each returns null when the output does not say what is wanted. */

/** iperf3 `-J`: the receiver's throughput in bits per second (what crossed the proxy). */
export function iperfBitsPerSecond(json: string): number | null {
  try {
    const value = (JSON.parse(json) as { end?: { sum_received?: { bits_per_second?: unknown } } }).end?.sum_received
      ?.bits_per_second;
    return typeof value === 'number' && value > 0 ? value : null;
  } catch {
    return null;
  }
}

/** redis-benchmark `-q`: requests per second by test name (`SET`, `GET`, `PING_INLINE`, ...). */
export function redisRates(text: string): Record<string, number> {
  const rates: Record<string, number> = {};
  // -q prints progress with carriage returns before each final line.
  for (const line of text.split(/[\r\n]+/)) {
    const m = /^([A-Z_]+): ([\d.]+) requests per second/.exec(line.trim());
    if (m !== null) rates[m[1]!] = Number(m[2]);
  }
  return rates;
}

/** dnsperf: queries per second, and how many were lost (a lossy run is reported, not hidden). */
export function dnsperfResult(text: string): { qps: number; lost: number; completed: number } | null {
  const qps = /Queries per second:\s+([\d.]+)/.exec(text);
  const completed = /Queries completed:\s+(\d+)/.exec(text);
  const lost = /Queries lost:\s+(\d+)/.exec(text);
  if (qps === null || completed === null || lost === null) return null;
  return { qps: Number(qps[1]), lost: Number(lost[1]), completed: Number(completed[1]) };
}
