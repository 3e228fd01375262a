#!/usr/bin/env node
// The alb-dslx command. In the repository it runs the TypeScript source, so it works right after `npm ci` (npm links
// a bin only when its file exists at install time, so it must not point into dist/); as a published package (no
// src/) it runs the built dist/cli.js. A Node without type stripping (< 22.18) hands the source to the project's
// pinned Node (node_modules/node), the one `npm run` and `npx` use.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli.ts', import.meta.url);
const fromSource = existsSync(source);
if (fromSource && !process.features.typescript) {
  let node;
  try {
    node = join(dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node');
  } catch {
    console.error(`alb-dslx: running from source needs Node.js >= 22.18, this is ${process.version}`);
    process.exit(2);
  }
  const result = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
const { runCli } = await import(fromSource ? source.href : new URL('../dist/cli.js', import.meta.url).href);
process.exitCode = runCli(process.argv.slice(2), (line) => console.log(line));
