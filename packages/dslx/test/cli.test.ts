// The alb-dslx command (bin/alb-dslx.js, what npm links), run as a real process on real files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const cli = new URL('../bin/alb-dslx.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'alb-dslx-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const rules = file(
  'rules.yaml',
  `apiVersion: crd.alauda.io/v1
kind: Rule
metadata: {name: api-post, namespace: kube-system}
spec:
  priority: 4
  dslx:
    - type: METHOD
      values: [[EQ, POST]]
    - type: URL
      values: [[PATH_PREFIX, /api]]
---
apiVersion: crd.alauda.io/v1
kind: Rule
metadata: {name: shop}
spec:
  priority: 5
  dslx:
    - type: HOST
      values: [[ENDS_WITH, "*.shop.com"]]
---
apiVersion: crd.alauda.io/v1
kind: Rule
metadata: {name: catch-all}
spec:
  priority: 10
  dslx: [{type: URL, values: [[STARTS_WITH, /]]}]
`,
);

t.test('check: valid files pass, saying what was checked', async (t) => {
  const r = run('check', rules);
  t.equal(r.code, 0);
  t.equal(r.out, 'ok: 1 file, 3 objects, 3 Rules checked, no problems\n');
  const list = file(
    'list.yaml',
    '- {type: URL, values: [[EQ, /a]]}\n---\ndslx: [{type: METHOD, values: [[EQ, GET]]}]\n',
  );
  t.equal(run('check', rules, list).out, 'ok: 2 files, 5 objects, 3 Rules, 2 dslx lists checked, no problems\n');
});

t.test('check: objects of other kinds share the files and are counted, not checked', async (t) => {
  const mixed = file(
    'mixed.yaml',
    `kind: ALB2
metadata: {name: demo}
spec: {address: 10.0.0.1}
---
kind: Frontend
metadata: {name: demo-00080}
spec: {port: 80, protocol: http}
---
kind: List
items:
  - {kind: Service, metadata: {name: web}, spec: {ports: [{port: 80}]}}
  - {kind: Rule, metadata: {name: web}, spec: {dslx: [{type: URL, values: [[PATH_PREFIX, /web]]}]}}
`,
  );
  t.match(run('check', mixed), { code: 0, out: /^ok: 1 file, 4 objects, 1 Rule checked, no problems\n$/ });
  const quickstart = ['alb', 'ingress', 'rules', 'services'].map((f) =>
    fileURLToPath(new URL(`../../../examples/quickstart/${f}.yaml`, import.meta.url)),
  );
  t.match(run('check', ...quickstart), {
    code: 0,
    out: /^ok: 4 files, \d+ objects, [1-9]\d* Rules checked, no problems\n$/,
  });
});

t.test('check: files with nothing to check are not a pass', async (t) => {
  const empty = file('empty.yaml', '# nothing here\n');
  t.match(run('check', empty), { code: 1, out: /^nothing checked: no Rule or dslx list in 1 file \(0 objects\)\n$/ });
});

t.test('check: problems are listed with file, object and path, exit 1', async (t) => {
  const bad = file(
    'bad.yaml',
    `kind: Rule
metadata: {name: broken}
spec:
  dslx:
    - type: HEADER
      values: [[EQ, x]]
    - type: SRC_IP
      values: [[RANGE, 1.1.1.1]]
---
- type: URL
  values: [[REGEX, "(?=x)"]]
`,
  );
  const r = run('check', bad);
  t.equal(r.code, 1);
  t.match(
    r.out,
    /bad\.yaml#1 Rule broken: spec\.dslx\[0\]\.key: HEADER terms need a key: the header name \[ALB_DSLX_KEY_MISSING\]/,
  );
  t.match(r.out, /spec\.dslx\[1\]\.values\[0\]: RANGE takes exactly 2 arguments, got 1 \[ALB_DSLX_ARITY\]/);
  t.match(r.out, /bad\.yaml#2: dslx\[0\]\.values\[0\]\[1\]: lookahead/);
  t.match(r.out, /3 problem\(s\) in 1 file, 2 objects, 1 Rule, 1 dslx list/);
});

t.test('check: unreadable or unparseable input is a clear error, exit 2', async (t) => {
  t.match(run('check', join(dir, 'missing.yaml')), {
    code: 2,
    out: /cannot read .*missing\.yaml.*\[ALB_DSLX_CLI_INPUT\]/,
  });
  t.match(run('check', file('junk.yaml', 'a: [1, 2\n')), {
    code: 2,
    out: /junk\.yaml: document 1: .*\[ALB_DSLX_CLI_INPUT\]/,
  });
});

t.test('match: prints the winner and why the rules before it failed', async (t) => {
  const r = run('match', rules, 'GET http://www.shop.com/api/x');
  t.equal(r.code, 0);
  t.match(r.out, /1\. api-post \(priority 4, complexity 1106\): term 0 METHOD \[\["EQ","POST"\]\] did not hold/);
  t.match(r.out, /2\. shop \(priority 5, complexity 10000\): matched/);
  t.match(r.out, /winner: shop/);
});

t.test('match: headers, client ip and --json', async (t) => {
  const r = run('match', rules, 'POST /api', '-H', 'Host: other.com', '--ip', '10.0.0.1', '--json');
  t.equal(r.code, 0);
  const explanation = JSON.parse(r.out);
  t.equal(explanation.winner, 'api-post');
});

t.test('match: no rule matching exits 1', async (t) => {
  const only = file('only.yaml', 'kind: Rule\nmetadata: {name: a}\nspec: {dslx: [{type: URL, values: [[EQ, /a]]}]}\n');
  const r = run('match', only, 'GET /b');
  t.equal(r.code, 1);
  t.match(r.out, /no rule matches/);
});

t.test('usage errors exit 2 with the usage text', async (t) => {
  t.match(run(), { code: 2, out: /missing command.*\[ALB_DSLX_CLI_USAGE\][\s\S]*usage:/ });
  t.match(run('frobnicate'), { code: 2, out: /unknown command frobnicate/ });
  t.match(run('match', rules), { code: 2, out: /match needs <rules-file>/ });
  t.match(run('help'), { code: 0, out: /alb-dslx check <file>/ });
});
