import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Bundles the ALB runner (with proxy-core and dslx from source) into one JavaScript file in `dir`, as
 * `alb-instance` ships its data plane (an esbuild bundle): the ALB rows then measure the data plane, not Node's
 * TypeScript loader, which would add tens of MiB of RSS that no deployment carries. Returns the file's path.
 */
export async function bundleAlbRunner(dir: string): Promise<string> {
  const outfile = join(dir, 'alb-runner.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./runners/alb-runner.ts', import.meta.url))],
    outfile,
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
  return outfile;
}
