import { httpGet } from './instance-process.ts';

/** The samples of an alb-operator's `/metrics`, by series (`name{labels}`). */
export async function operatorMetrics(opsPort: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await httpGet(opsPort, '/metrics')).body.split('\n')) {
    const m = /^(\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** `alb_operator_api_writes_total`, all verbs. */
export function apiWrites(metrics: Record<string, number>): number {
  return Object.entries(metrics)
    .filter(([series]) => series.startsWith('alb_operator_api_writes_total'))
    .reduce((sum, [, n]) => sum + n, 0);
}
