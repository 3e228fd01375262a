// Bundles the operator into dist/main.js: one file, the @alb packages' sources included (through their
// @alb/source export condition), only Node built-ins left outside.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await rm(`${root}/dist`, { recursive: true, force: true });
await build({
  entryPoints: { main: `${root}/src/main.ts` },
  outdir: `${root}/dist`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  conditions: ['@alb/source'],
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (pino, client-node's) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __albCreateRequire } from 'node:module'; const require = __albCreateRequire(import.meta.url);",
  },
});
await chmod(`${root}/dist/main.js`, 0o755);
console.log('built apps/operator/dist/main.js');
