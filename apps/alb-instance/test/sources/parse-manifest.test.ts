// Reading manifest files: objects as kubectl would create them, problems with their place, and the limits that
// keep a hostile or huge file from taking the process down.
import t from 'tap';
import { manifestLimits, type ManifestLimits } from '../../src/sources/manifest-limits.ts';
import { parseManifest, parseManifestInChunks } from '../../src/sources/parse-manifest.ts';
import { aliasBomb } from '../fixtures/alias-bomb.ts';

const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\n${extra}`;

t.test('objects and problems', async (t) => {
  const cases: Array<{ name: string; text: string; objects: string[]; problems: unknown[] }> = [
    { name: 'one object, namespace defaulted', text: cm('a'), objects: ['ConfigMap/default/a'], problems: [] },
    {
      name: 'several documents, empty ones skipped',
      text: `${cm('a')}---\n---\n${cm('b')}`,
      objects: ['ConfigMap/default/a', 'ConfigMap/default/b'],
      problems: [],
    },
    {
      name: 'a List is expanded',
      text: `apiVersion: v1\nkind: List\nitems:\n- ${cm('a').replace(/\n/g, '\n  ')}\n- ${cm('b').replace(/\n/g, '\n  ')}`,
      objects: ['ConfigMap/default/a', 'ConfigMap/default/b'],
      problems: [],
    },
    {
      name: 'cluster-scoped kinds lose a namespace',
      text: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: x, namespace: y }\n',
      objects: ['Namespace//x'],
      problems: [],
    },
    {
      name: 'bad documents are reported with their number; the others are kept',
      text: `- a list\n---\nkind: ConfigMap\n---\n${cm('ok')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: p }\n`,
      objects: ['ConfigMap/default/ok'],
      problems: [
        { document: 1, message: /must be a Kubernetes object/ },
        { document: 2, message: 'missing apiVersion or kind' },
        { document: 4, kind: 'ConfigMap', message: 'metadata.name is required' },
        { document: 5, kind: 'Pod', name: 'p', message: /^ignored: kind Pod is not read by ALB/ },
      ],
    },
  ];
  for (const c of cases) {
    const parsed = parseManifest('f.yaml', c.text);
    t.equal(parsed.parsed, true, c.name);
    t.same(
      parsed.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`),
      c.objects,
      c.name,
    );
    t.match(parsed.problems, c.problems, c.name);
    t.equal(parsed.problems.length, c.problems.length, c.name);
  }
});

t.test('a syntax error refuses the file, saying where', async (t) => {
  const parsed = parseManifest('f.yaml', `${cm('a')}---\n${cm('b')}---\napiVersion: v1\nkind: [unclosed\n`);
  t.equal(parsed.parsed, false);
  t.same(parsed.objects, []);
  t.match(parsed.problems, [{ file: 'f.yaml', document: 3, line: 11, message: /^not valid YAML/ }]);
});

t.test('an alias bomb is refused quickly, as a whole, naming the limit', async (t) => {
  const parsed = parseManifest('bomb.yaml', aliasBomb(9));
  t.equal(parsed.parsed, false);
  t.match(parsed.problems, [{ file: 'bomb.yaml', limit: true, message: /aliases expand it .* alias bomb/ }]);
  const few = parseManifest(
    'labels.yaml',
    `apiVersion: v1\nkind: List\nitems:\n` +
      `- { apiVersion: v1, kind: ConfigMap, metadata: { name: a, labels: &l { app: x, tier: web } } }\n` +
      `- { apiVersion: v1, kind: ConfigMap, metadata: { name: b, labels: *l } }\n`,
  );
  t.equal(few.parsed, true, 'ordinary aliases are fine');
  t.same(few.objects[1]!.metadata.labels, { app: 'x', tier: 'web' });
});

t.test('a long chain of aliases is refused by depth, without exhausting the stack', async (t) => {
  const lines = ['a0: &a0 [x]'];
  for (let i = 1; i < 5000; i++) lines.push(`a${i}: &a${i} [*a${i - 1}]`);
  const parsed = parseManifest(
    'deep.yaml',
    `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: d }\ndata:\n  ${lines.join('\n  ')}\n`,
  );
  t.equal(parsed.parsed, false);
  t.match(parsed.problems, [{ limit: true, message: /nested deeper than 100 levels/ }]);
});

t.test('size and count limits', async (t) => {
  const small: ManifestLimits = { ...manifestLimits, maxFileBytes: 1000, maxObjects: 3, maxObjectSize: 200 };
  const tooBig = parseManifest('big.yaml', cm('a', `data: { x: "${'y'.repeat(2000)}" }\n`), small);
  t.match(tooBig, { parsed: false, problems: [{ limit: true, message: /larger than 1000 bytes/ }] });
  const many = parseManifest('many.yaml', [1, 2, 3, 4].map((i) => cm(`c${i}`)).join('---\n'), small);
  t.match(many, { parsed: false, problems: [{ limit: true, message: /more than 3 objects/ }] });
  const fat = parseManifest('fat.yaml', `${cm('ok')}---\n${cm('fat', `data: { x: "${'y'.repeat(300)}" }\n`)}`, small);
  t.equal(fat.parsed, true, 'one object over the size limit is left out, not the file');
  t.same(
    fat.objects.map((o) => o.metadata.name),
    ['ok'],
  );
  t.match(fat.problems, [{ name: 'fat', message: /left out: larger than 200/ }]);
});

t.test('in chunks: the same result, yields in between, problems at the same place', async (t) => {
  const docs = Array.from({ length: 200 }, (_, i) => cm(`c${i}`, `data: { i: "${i}" }\n`));
  const text = `# a comment\n${docs.join('---\n')}`;
  let yields = 0;
  const chunked = await parseManifestInChunks('f.yaml', text, {
    chunkBytes: 500,
    yieldNow: async () => {
      yields++;
    },
  });
  t.same(chunked, parseManifest('f.yaml', text), 'same objects and problems');
  t.ok(yields >= 20, `${yields} yields for ${text.length} bytes in chunks of 500`);

  const broken = `${docs.slice(0, 100).join('---\n')}---\napiVersion: v1\nkind: [unclosed\n`;
  const whole = parseManifest('f.yaml', broken);
  const inChunks = await parseManifestInChunks('f.yaml', broken, { chunkBytes: 300 });
  t.match(whole.problems, [{ document: 101, line: 503 }]);
  t.same(inChunks.problems, whole.problems, 'document and line counted across chunks');

  const directive = `${cm('a')}...\n%YAML 1.2\n---\n${cm('b')}`;
  const withDirective = await parseManifestInChunks('f.yaml', directive, { chunkBytes: 10 });
  t.equal(withDirective.parsed, true, 'a directive stays with the document it introduces');
  t.equal(withDirective.objects.length, 2);
});

t.test('JSON files: a List through the JSON parser; an error still says where', async (t) => {
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [1, 2].map((i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` } })),
  };
  const parsed = parseManifest('list.json', JSON.stringify(list, null, 2));
  t.same(
    parsed.objects.map((o) => o.metadata.name),
    ['c1', 'c2'],
  );
  const bad = parseManifest('bad.json', '{\n  "apiVersion": "v1",\n  "kind": [\n}\n');
  t.match(bad, { parsed: false, problems: [{ line: 4, message: /not valid YAML/ }] });
});
