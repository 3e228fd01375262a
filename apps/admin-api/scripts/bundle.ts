// Bundles the server into dist/main.js (the @alb packages' sources included, only Node built-ins left outside),
// the web page into dist/web/ (app.js, app.css: the stylesheet it imports, index.html), and copies Swagger UI's files to dist/static/.
import { build } from 'esbuild';
import { chmod, cp, copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
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
  // CommonJS dependencies (pino, fastify, its Swagger UI) use require() and __dirname; give the ESM bundle both.
  banner: {
    js:
      "import { createRequire as __albCreateRequire } from 'node:module'; const require = __albCreateRequire(import.meta.url);" +
      "import { dirname as __albDirname } from 'node:path'; import { fileURLToPath as __albToPath } from 'node:url';" +
      'const __filename = __albToPath(import.meta.url); const __dirname = __albDirname(__filename);',
  },
});
await chmod(`${root}/dist/main.js`, 0o755);
await build({
  entryPoints: { app: `${root}/web/app.ts` },
  outdir: `${root}/dist/web`,
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await copyFile(`${root}/web/index.html`, `${root}/dist/web/index.html`);
const swaggerUi = dirname(fileURLToPath(import.meta.resolve('@fastify/swagger-ui/package.json')));
// Bundled, @fastify/swagger-ui looks for its files in <__dirname>/static, i.e. dist/static.
await mkdir(`${root}/dist/static`, { recursive: true });
await cp(`${swaggerUi}/static`, `${root}/dist/static`, { recursive: true });
console.log('built apps/admin-api/dist/main.js, dist/web/ and dist/static/ (Swagger UI)');
