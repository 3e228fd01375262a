#!/usr/bin/env node
// Launcher for the admin API: runs the bundle (dist/main.js, `npm run build`) or, before any build, the TypeScript
// source, on Node >= 22.19 (this one, or the project's pinned Node 24 from node_modules when this shell's is older).
// The web page exists only in the bundle's dist/web; from source the API runs without it (and says so).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const entry = existsSync(bundle)
  ? [bundle]
  : ['--conditions=@alb/source', fileURLToPath(new URL('../src/main.ts', import.meta.url))];
const [major, minor] = process.versions.node.split('.').map(Number);
let node = process.execPath;
if (major < 22 || (major === 22 && minor < 19)) {
  node = fileURLToPath(new URL('../../../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(node)) {
    console.error(`alb-admin-api: needs Node.js >= 22.19, this is ${process.version}`);
    process.exit(2);
  }
}
const args = [...entry, ...process.argv.slice(2)];
if (typeof process.execve === 'function') {
  process.execve(node, [node, ...args], process.env);
} else {
  const result = spawnSync(node, args, { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
