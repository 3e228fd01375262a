// The repository stands alone: every relative link in its Markdown resolves inside a clone (to a tracked file, a
// folder holding tracked files, or a heading of a tracked Markdown file), and nothing points at documents that
// live outside the repository.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { headingAnchors, markdownLinks } from '../src/markdown-links.ts';
import { repoRoot, trackedFiles } from '../src/tracked-files.ts';

const files = trackedFiles();
const tracked = new Set(files);
const folders = new Set<string>();
for (const file of files) for (let dir = posix.dirname(file); dir !== '.'; dir = posix.dirname(dir)) folders.add(dir);
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const anchorsOf = new Map<string, Set<string>>();
const anchors = (path: string) => {
  let set = anchorsOf.get(path);
  if (set === undefined) anchorsOf.set(path, (set = headingAnchors(read(path))));
  return set;
};

/** Why a link from `doc` to `target` does not resolve in a clone, or null when it does. */
function brokenReason(doc: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:, ...
  if (target.startsWith('/')) return 'absolute path: use a path relative to the document';
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent((hash === -1 ? target : target.slice(0, hash)).replace(/\?.*$/, ''));
  const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
  const resolved = pathPart === '' ? doc : posix.normalize(posix.join(posix.dirname(doc), pathPart)).replace(/\/$/, '');
  if (resolved === '..' || resolved.startsWith('../')) return 'outside the repository';
  if (!tracked.has(resolved) && !folders.has(resolved) && resolved !== '.') return 'no such tracked file or folder';
  if (anchor !== null && anchor !== '' && resolved.endsWith('.md') && !anchors(resolved).has(anchor))
    return `no heading #${anchor} in ${resolved}`;
  return null;
}

t.test('every relative link in the Markdown resolves inside a clone', async (t) => {
  const docs = files.filter((f) => f.endsWith('.md'));
  t.ok(docs.length >= 10, `${docs.length} Markdown files`);
  const broken: string[] = [];
  let checked = 0;
  for (const doc of docs) {
    for (const { line, target } of markdownLinks(read(doc))) {
      checked++;
      const reason = brokenReason(doc, target);
      if (reason !== null) broken.push(`${doc}:${line}: ${target}: ${reason}`);
    }
  }
  t.ok(checked > 50, `${checked} links checked`);
  t.same(broken, [], 'no broken links');
});

t.test('the link check itself: what it refuses', async (t) => {
  t.equal(brokenReason('README.md', 'packages/dslx'), null);
  t.equal(brokenReason('packages/dslx/README.md', '../../README.md#two-commands'), null);
  t.equal(brokenReason('README.md', 'https://github.com/alauda/alb'), null);
  t.equal(brokenReason('README.md', '../elsewhere/x.md'), 'outside the repository');
  t.equal(brokenReason('README.md', 'packages/nope'), 'no such tracked file or folder');
  t.equal(brokenReason('README.md', 'packages/dslx/dist/cli.js'), 'no such tracked file or folder');
  t.equal(brokenReason('README.md', '#no-such-heading'), 'no heading #no-such-heading in README.md');
  t.equal(brokenReason('README.md', '/README.md'), 'absolute path: use a path relative to the document');
});

t.test('nothing mentions documents outside the repository', async (t) => {
  const self = posix.relative(repoRoot, fileURLToPath(import.meta.url));
  const outside = [
    /\.\.\/shared\b/, // the sibling folder of a developer machine
    /\/work\/shared\b/,
    /\breference\/[\w-]+\.md\b/,
    /\b(?:alauda-alb|real-components|style-anchors|peers)\.md\b/,
    /\bARCHITECTURE\b/, // the repository's own is docs/architecture.md
  ];
  const found: string[] = [];
  for (const path of files) {
    if (path === self || path === 'package-lock.json') continue;
    const text = read(path);
    if (text.includes('\0')) continue; // binary
    text.split('\n').forEach((line, i) => {
      if (outside.some((pattern) => pattern.test(line))) found.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  }
  t.same(found, [], 'no mentions of outside documents');
});
