// ALB proxy-core for the bench: one worker (in this process) serving the 1000-rule config (or `--rules <n>`); reports
// its stats over IPC.
import { createDataPlane } from '@alb/proxy-core';
import { albBenchConfig } from '../alb-bench-config.ts';
import { exitWith, runnerArgs } from './runner-args.ts';

const { port, backendPort, rules } = runnerArgs(process.argv.slice(2));
const plane = createDataPlane({ workers: 1, bind: '127.0.0.1', drainTimeoutMs: 1000 });
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
