import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Bundles the ALB runner (with proxy-core and dslx from source) and the data-plane worker into one JavaScript file
 * each in `dir` (`alb-runner.mjs`, `worker.mjs`, which the runner forks with `--workers` 2 or more), as
 * `alb-instance` ships its data plane (an esbuild bundle): the ALB rows then measure the data plane, not Node's
 * TypeScript loader, which would add tens of MiB of RSS that no deployment carries. Returns the runner's path.
 */
export async function bundleAlbRunner(dir: string): Promise<string> {
  await build({
    entryPoints: {
      'alb-runner': fileURLToPath(new URL('./runners/alb-runner.ts', import.meta.url)),
      worker: '@alb/proxy-core/worker',
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    conditions: ['@alb/source'],
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies of proxy-core (apache-md5) call require(); give the ESM bundle one, as alb-instance does.
    banner: {
      js: "import { createRequire as __albCreateRequire } from 'node:module'; const require = __albCreateRequire(import.meta.url);",
    },
  });
  return join(dir, 'alb-runner.mjs');
}
