// ALB proxy-core for the bench: one worker (or `--workers <n>`) serving the 1000-rule config (or `--rules <n>`);
// reports its stats over IPC.
import { fileURLToPath } from 'node:url';
import { createDataPlane } from '@alb/proxy-core';
import { albBenchConfig } from '../alb-bench-config.ts';
import { exitWith, runnerArgs } from './runner-args.ts';

const { port, backendPort, rules, workers } = runnerArgs(process.argv.slice(2));
// Bundled (bundle-alb-runner.ts), the worker is the bundle next to this one; from source, proxy-core's own.
const workerEntry = import.meta.url.endsWith('.mjs')
  ? fileURLToPath(new URL('./worker.mjs', import.meta.url))
  : undefined;
const plane = createDataPlane({
  workers,
  ...(workerEntry === undefined ? {} : { workerEntry }),
  bind: '127.0.0.1',
  drainTimeoutMs: 1000,
});
const result = await plane.apply(albBenchConfig({ port, backendPort, rules: rules ?? undefined }));
if (result.failed.length > 0 || result.issues.length > 0) {
  console.error(`alb-runner: apply failed: ${JSON.stringify({ failed: result.failed, issues: result.issues })}`);
  await plane.close(0);
  process.exit(1);
}
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stats') void plane.stats().then((stats) => process.send?.({ type: 'stats', stats }));
});
exitWith(() => plane.close(500));
