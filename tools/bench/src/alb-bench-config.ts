import type { DataPlaneConfig, RuleConfig } from '@alb/proxy-core';
import { ruleCount } from './workload.ts';

export type AlbBenchConfigInput = {
  port: number;
  backendPort: number;
  /** Rules besides the catch-all (default 1000); above 1000, the extra ones are `extra-NNNN` (see below). */
  rules?: number;
};

/** `svc-000` .. `svc-999`: zero-padded so every prefix has the same length, hence the same complexity. */
export function ruleName(index: number): string {
  return `svc-${String(index).padStart(String(ruleCount - 1).length, '0')}`;
}

/**
 * 1000 rules `URL STARTS_WITH /svc-NNN/` (priority 5, no HOST term) plus the catch-all `URL STARTS_WITH /` at
 * priority 999, all to one backend group. Equal priority, complexity and internal length leave the name to order
 * the rules, so `svc-999` is the last rule before the catch-all. Client keep-alive is unlimited in requests, like
 * the other proxies of the bench.
 *
 * With more than 1000 rules, the rest are `extra-NNNN` matching `URL STARTS_WITH /extra-NNNN/`: a longer prefix
 * (higher complexity, longer internal form) orders them before every `svc-` rule, and no bench request matches
 * them, so `svc-999` stays the last rule before the catch-all and every request still passes all of them.
 */
export function albBenchConfig(input: AlbBenchConfigInput): DataPlaneConfig {
  const rules: RuleConfig[] = [];
  const extra = Math.max(0, (input.rules ?? ruleCount) - ruleCount);
  for (let i = 0; i < extra; i++) {
    const name = `extra-${String(i).padStart(String(extra - 1).length, '0')}`;
    rules.push({
      name,
      priority: 5,
      dslx: [{ type: 'URL', values: [['STARTS_WITH', `/${name}/`]] }],
      backendGroup: 'backend',
    });
  }
  for (let i = 0; i < ruleCount; i++) {
    const name = ruleName(i);
    rules.push({
      name,
      priority: 5,
      dslx: [{ type: 'URL', values: [['STARTS_WITH', `/${name}/`]] }],
      backendGroup: 'backend',
    });
  }
  rules.push({
    name: 'catch-all',
    priority: 999,
    dslx: [{ type: 'URL', values: [['STARTS_WITH', '/']] }],
    backendGroup: 'backend',
  });
  return {
    listeners: [
      {
        port: input.port,
        protocol: 'http',
        rules,
        defaultBackend: null,
        keepalive: { requests: 1_000_000 },
      },
    ],
    backendGroups: [
      {
        name: 'backend',
        policy: 'round-robin',
        endpoints: [{ address: '127.0.0.1', port: input.backendPort, weight: 100 }],
      },
    ],
  };
}
