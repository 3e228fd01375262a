import type { EndpointConfig } from '../config.ts';

export type WeightedService = { weight: number; endpoints: Array<{ address: string; port: number }> };

/**
 * ALB's weight arithmetic (`policy_backend.go:generateBackend`): each service weight is clamped to [0, 100] and
 * shared among that service's endpoints: `round(w * 100 / (total * endpoints))`, at least 1 when w > 0, where
 * total is the sum of the weights (100 when that sum is 0). Endpoints of weight 0 are never chosen.
 */
export function spreadServiceWeights(services: WeightedService[]): EndpointConfig[] {
  const clamped = services.map((s) => Math.min(100, Math.max(0, Math.trunc(s.weight))));
  const sum = clamped.reduce((a, b) => a + b, 0);
  const total = sum === 0 ? 100 : sum;
  const out: EndpointConfig[] = [];
  services.forEach((service, i) => {
    const w = clamped[i]!;
    const count = service.endpoints.length;
    if (count === 0) return;
    let weight = Math.round((w * 100) / (total * count));
    if (w > 0 && weight < 1) weight = 1;
    for (const endpoint of service.endpoints) out.push({ address: endpoint.address, port: endpoint.port, weight });
  });
  return out;
}
