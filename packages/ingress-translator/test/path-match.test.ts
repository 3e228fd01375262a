// Path and host -> DSLX, and the display string, as tables.
import t from 'tap';
import { pathMatch, searchableDsl } from '../src/index.ts';
import { hostProblem } from '../src/path-match.ts';

t.test('pathMatch', async (t) => {
  const table = [
    { name: 'Exact -> EQ', input: ['', '/a', 'Exact'], want: [{ type: 'URL', values: [['EQ', '/a']] }] },
    {
      name: 'Prefix -> PATH_PREFIX',
      input: ['', '/a/', 'Prefix'],
      want: [{ type: 'URL', values: [['PATH_PREFIX', '/a/']] }],
    },
    {
      name: 'ImplementationSpecific plain -> raw STARTS_WITH (as ALB)',
      input: ['', '/a', 'ImplementationSpecific'],
      want: [{ type: 'URL', values: [['STARTS_WITH', '/a']] }],
    },
    {
      name: 'no pathType = ImplementationSpecific',
      input: ['', '/a', undefined],
      want: [{ type: 'URL', values: [['STARTS_WITH', '/a']] }],
    },
    ...['/x$', '/x(y)', '/x:y', '/x?', '/x[y]', '/x*', '/x\\.'].map((path) => ({
      name: `${path} has a regex character -> REGEX with ^`,
      input: ['', path, undefined],
      want: [{ type: 'URL', values: [['REGEX', `^${path}`]] }],
    })),
    {
      name: 'an anchored regex keeps its ^',
      input: ['', '^/x', undefined],
      want: [{ type: 'URL', values: [['REGEX', '^/x']] }],
    },
    {
      name: 'host after URL; wildcard -> ENDS_WITH',
      input: ['*.a.com', '/', 'Prefix'],
      want: [
        { type: 'URL', values: [['PATH_PREFIX', '/']] },
        { type: 'HOST', values: [['ENDS_WITH', '*.a.com']] },
      ],
    },
    { name: 'host only', input: ['a.com', '', undefined], want: [{ type: 'HOST', values: [['EQ', 'a.com']] }] },
    {
      name: 'nothing -> every path',
      input: ['', '', undefined],
      want: [{ type: 'URL', values: [['STARTS_WITH', '/']] }],
    },
  ];
  for (const { name, input, want } of table as Array<{
    name: string;
    input: [string, string, string | undefined];
    want: unknown;
  }>) {
    const got = pathMatch(input[0], input[1], input[2]);
    t.same(got, { ok: true, dslx: want }, name);
  }
  t.match(pathMatch('', 'a', 'Prefix'), { ok: false, field: 'path' }, 'Prefix needs a leading slash');
  t.match(pathMatch('', '', 'Exact'), { ok: false, field: 'path' }, 'Exact needs a path');
  t.match(pathMatch('', '/(a', undefined), { ok: false, field: 'path', message: /regular expression/ }, 'bad regex');
  t.match(pathMatch('', '/(?!a)', undefined), { ok: false, field: 'path', message: /lookahead/ }, 'unsafe regex');
  t.match(pathMatch('', '/a', 'Glob'), { ok: false, field: 'pathType' }, 'unknown pathType');
});

t.test('hostProblem', async (t) => {
  for (const host of ['', 'a.com', '*.a.com', 'x-1.a.com', 'localhost']) t.equal(hostProblem(host), null, host);
  for (const host of ['a..com', '*a.com', 'a.*.com', '*', 'a_b.com', '-a.com', 'a.com:80'])
    t.type(hostProblem(host), 'string', host);
});

t.test('searchableDsl is Go %v of the terms, as ALB writes spec.dsl', async (t) => {
  t.equal(searchableDsl([{ type: 'URL', values: [['STARTS_WITH', '/a']] }]), '[{[[STARTS_WITH /a]] URL }]');
  t.equal(
    searchableDsl([
      {
        type: 'URL',
        values: [
          ['EQ', '/a'],
          ['EQ', '/b'],
        ],
      },
      { type: 'HEADER', key: 'x', values: [['IN', '1', '2']] },
    ]),
    '[{[[EQ /a] [EQ /b]] URL } {[[IN 1 2]] HEADER x}]',
  );
});
