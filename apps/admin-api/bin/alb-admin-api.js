#!/usr/bin/env node
// Launcher for the bundled admin API: runs dist/main.js on Node >= 22.19 (this one, or the project's pinned Node 24
// from node_modules when this shell's is older).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('alb-admin-api: dist/main.js is missing; run `npm run build` first');
  process.exit(2);
}
const [major, minor] = process.versions.node.split('.').map(Number);
let node = process.execPath;
if (major < 22 || (major === 22 && minor < 19)) {
  node = fileURLToPath(new URL('../../../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(node)) {
    console.error(`alb-admin-api: needs Node.js >= 22.19, this is ${process.version}`);
    process.exit(2);
  }
}
const args = [main, ...process.argv.slice(2)];
if (typeof process.execve === 'function') {
  process.execve(node, [node, ...args], process.env);
} else {
  const result = spawnSync(node, args, { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
