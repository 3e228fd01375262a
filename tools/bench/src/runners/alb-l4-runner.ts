// ALB proxy-core for the L4 bench: one worker (in this process), tcp listeners for iperf3 and redis, a udp listener
// for dnsmasq. `--ports <json>` is an L4Ports object.
import { createDataPlane, type DataPlaneConfig } from '@alb/proxy-core';
import { parseArgs } from 'node:util';
import type { L4Ports } from '../l4/l4-configs.ts';
import { exitWith } from './runner-args.ts';

const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { ports: { type: 'string' } } });
const ports = JSON.parse(values.ports ?? 'null') as L4Ports;
const endpoint = (port: number) => [{ address: '127.0.0.1', port, weight: 100 }];
const config: DataPlaneConfig = {
  listeners: (['bulk', 'redis', 'dns'] as const).map((name) => ({
    port: ports[name].listen,
    protocol: name === 'dns' ? 'udp' : 'tcp',
    rules: [],
    defaultBackend: { backendGroup: name },
  })),
  backendGroups: (['bulk', 'redis', 'dns'] as const).map((name) => ({
    name,
    policy: 'round-robin',
    endpoints: endpoint(ports[name].backend),
  })),
};
const plane = createDataPlane({ workers: 1, bind: '127.0.0.1', drainTimeoutMs: 1000, maxConnections: 8000 });
const result = await plane.apply(config);
if (result.failed.length > 0 || result.issues.length > 0) {
  console.error(`alb-l4-runner: apply failed: ${JSON.stringify({ failed: result.failed, issues: result.issues })}`);
  await plane.close(0);
  process.exit(1);
}
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stats') void plane.stats().then((stats) => process.send?.({ type: 'stats', stats }));
});
exitWith(() => plane.close(500));
