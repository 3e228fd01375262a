// The link extraction and anchors the repository checks rely on: what counts as a link, and GitHub's anchors.
import t from 'tap';
import { headingAnchors, markdownLinks } from '../src/markdown-links.ts';

t.test('links: inline, images, reference definitions and HTML; none inside code', async (t) => {
  const doc = [
    'See [the docs](docs/architecture.md#data-flow "title") and ![logo](img/logo.png).',
    '[ref]: ../packages/dslx',
    '<a href="tools/e2e">e2e</a>',
    'Not a link: `[x](nowhere.md)`.',
    '```md',
    '[y](also-nowhere.md)',
    '```',
    '[after](after.md)',
  ].join('\n');
  t.same(markdownLinks(doc), [
    { line: 1, target: 'docs/architecture.md#data-flow' },
    { line: 1, target: 'img/logo.png' },
    { line: 2, target: '../packages/dslx' },
    { line: 3, target: 'tools/e2e' },
    { line: 8, target: 'after.md' },
  ]);
});

t.test('anchors: lower case, punctuation dropped, code text kept, repeats numbered', async (t) => {
  const doc = [
    '# ALB',
    '## Two commands',
    '### `ALB_DSLX_CLI_USAGE`',
    '## Semantics we keep (and fix)',
    '## Notes',
    '## Notes',
    '## A [linked](x.md) heading',
    '```',
    '# not a heading',
    '```',
  ].join('\n');
  t.same(
    [...headingAnchors(doc)],
    ['alb', 'two-commands', 'alb_dslx_cli_usage', 'semantics-we-keep-and-fix', 'notes', 'notes-1', 'a-linked-heading'],
  );
});
