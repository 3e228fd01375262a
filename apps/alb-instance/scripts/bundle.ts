// Bundles the app into dist/main.js and the data-plane worker into dist/worker.js: one file each, sources of
// the @alb packages included (through their @alb/source export condition), only Node built-ins left outside.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await rm(`${root}/dist`, { recursive: true, force: true });
await build({
  entryPoints: {
    main: `${root}/src/main.ts`,
    // Resolved by esbuild with the conditions below, so the bundle needs no built package (dist) at all.
    worker: '@alb/proxy-core/worker',
  },
  outdir: `${root}/dist`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  conditions: ['@alb/source'],
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (pino) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __albCreateRequire } from 'node:module'; const require = __albCreateRequire(import.meta.url);",
  },
});
await chmod(`${root}/dist/main.js`, 0o755);
console.log('built apps/alb-instance/dist/main.js and dist/worker.js');
