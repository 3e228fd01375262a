import { createDataPlane } from '@alb/proxy-core';
import { albBenchConfig } from '../alb-bench-config.ts';
const port = Number(process.argv[2]);
const mb = (v: number) => (v / 1048576).toFixed(1);
const show = (tag: string) => {
  const m = process.memoryUsage();
  process.stderr.write(
    `${tag} rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} ext ${mb(m.external)} ab ${mb(m.arrayBuffers)}\n`,
  );
};
show('start');
const plane = createDataPlane({ workers: 1, bind: '127.0.0.1', drainTimeoutMs: 1000 });
await plane.apply(albBenchConfig({ port, backendPort: 18080 }));
show('applied');
setInterval(() => show('tick'), 2000);
