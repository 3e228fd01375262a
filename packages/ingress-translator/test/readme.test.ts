// The README's annotation section names every annotation the code reads or reports as unsupported, so the table of
// supported / partly supported / not supported cannot drift from the code.
import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  albIngressAnnotations,
  nginxAnnotations,
  otherAnnotations,
  unsupportedNginxAnnotations,
} from '../src/index.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('\n## Annotations\n');
const end = readme.indexOf('\n## ', start + 1);
const section = readme.slice(start, end);
const named = new Set([...section.matchAll(/`([^`]+)`/g)].map((m) => m[1]));

t.ok(start > 0 && end > start, 'the README has an Annotations section');

t.test('every ingress-nginx name read is documented', async (t) => {
  for (const name of Object.values(nginxAnnotations).flat()) t.ok(named.has(name), name);
});

t.test('every ALB-specific annotation is documented', async (t) => {
  for (const name of albIngressAnnotations) t.ok(named.has(name), name);
  const other = Object.values(otherAnnotations).map((key) => key.replace('<domain>', '<d>'));
  for (const key of other) t.ok(named.has(key), key);
});

t.test('every annotation reported as unsupported is listed under Not supported', async (t) => {
  const notSupported = section.slice(section.indexOf('### Not supported'));
  for (const name of unsupportedNginxAnnotations) t.ok(notSupported.includes(`\`${name}\``), name);
});
