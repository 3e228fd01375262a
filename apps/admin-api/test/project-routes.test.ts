// /v1/projects/{project}: Frontends, Rules, usage and whoami on a file store.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { albYaml, call, fileApp, frontendYaml, read, tokens } from './helpers.ts';

const portMode = albYaml(
  'lb',
  `    enablePortProject: true\n    portProjects: '[{"port":"30000-30002","projects":["p1"]},{"port":"31000-31009","projects":["p2"]}]'\n`,
);
const albRef = { namespace: 'albs', name: 'lb' };
const fts = '/v1/projects/p1/frontends';
const web = { services: [{ name: 'web', namespace: 'demo', port: 80, weight: 100 }] };

t.test('creating Frontends: the lowest free port, a chosen port, the project label from the path', async (t) => {
  const ctx = await fileApp(t, { 'alb.yaml': portMode });
  const { app, dir } = ctx;
  const first = await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { protocol: 'http', serviceGroup: web } });
  t.equal(first.status, 201);
  t.match(first.body, {
    apiVersion: 'crd.alauda.io/v1',
    kind: 'Frontend',
    metadata: {
      name: 'lb-30000',
      namespace: 'albs',
      labels: { 'alb2.cpaas.io/name': 'lb', 'project.cpaas.io/p1': 'true' },
      resourceVersion: /^[0-9a-f]{16}$/,
    },
    spec: { port: 30000, protocol: 'http', serviceGroup: web },
  });
  t.ok(existsSync(join(dir, 'admin-api', 'frontend.albs.lb-30000.yaml')), 'written where alb-instance reads');
  const chosen = await call(app, 'POST', fts, tokens.p1, {
    alb: albRef,
    spec: { port: 30002, protocol: 'tcp', serviceGroup: web },
  });
  t.equal(chosen.status, 201);
  t.equal(chosen.body.metadata.name, 'lb-30002');
  const next = await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { protocol: 'http' } });
  t.equal(next.body.spec.port, 30001, 'the gap is filled');
  const full = await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { protocol: 'http' } });
  t.equal(full.status, 409);
  t.equal(full.body.code, 'ALB_ADMIN_NO_FREE_PORT');
  t.same(full.body.current, { segments: [{ ports: '30000-30002', projects: ['p1'] }] });
  t.equal(ctx.audit.length, 3);
  t.match(ctx.audit[0]!.audit, {
    user: 'alice',
    action: 'create',
    target: 'Frontend albs/lb-30000',
    project: 'p1',
    before: null,
  });
  const list = await call(app, 'GET', fts, tokens.p1);
  t.same(
    list.body.items.map((f: { metadata: { name: string } }) => f.metadata.name),
    ['lb-30000', 'lb-30001', 'lb-30002'],
  );
  t.same((await call(app, 'GET', '/v1/projects/p2/frontends', tokens.p2)).body.items, [], 'another project sees none');
});

t.test("ports outside the project's segments, taken ports, and a label in the body", async (t) => {
  const { app } = await fileApp(t, {
    'alb.yaml': portMode,
    'ft.yaml': frontendYaml('hand-made', 30001, ', project.cpaas.io/p1: "true"'),
  });
  const outside = await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { port: 31000, protocol: 'http' } });
  t.equal(outside.status, 409);
  t.equal(outside.body.code, 'ALB_ADMIN_PORT_NOT_ALLOWED');
  t.equal(outside.body.message, 'port 31000 is not in a port segment of project p1 on ALB2 lb');
  t.same(outside.body.current, { segments: [{ ports: '30000-30002', projects: ['p1'] }] });
  const taken = await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { port: 30001, protocol: 'http' } });
  t.equal(taken.status, 409);
  t.equal(taken.body.code, 'ALB_ADMIN_PORT_TAKEN');
  t.same(taken.body.current, { frontend: { namespace: 'albs', name: 'hand-made', port: 30001, projects: ['p1'] } });
  const none = await call(app, 'POST', '/v1/projects/p9/frontends', tokens.admin, {
    alb: albRef,
    spec: { protocol: 'http' },
  });
  t.equal(none.status, 409);
  t.equal(none.body.message, 'project p9 has no port segment on ALB2 albs/lb');
  const label = await call(app, 'POST', fts, tokens.p1, {
    alb: albRef,
    metadata: { labels: { 'project.cpaas.io/p2': 'true' } },
    spec: { protocol: 'http' },
  });
  t.equal(label.status, 400, 'the project label is never taken from the client');
  t.equal(label.body.issues[0].path, 'body.metadata');
  const other = await call(app, 'POST', '/v1/projects/p2/frontends', tokens.p1, {
    alb: albRef,
    spec: { protocol: 'http' },
  });
  t.equal(other.status, 403, 'a member of p1 cannot create in p2');
  t.equal(other.body.message, 'user "alice" may not create projects/frontends "p2" (API group admin.alb.cpaas.io)');
});

t.test('validation errors name the field as the request has it', async (t) => {
  const { app, dir } = await fileApp(t, { 'alb.yaml': portMode });
  const cases: Array<{ spec: unknown; path: string; message: RegExp }> = [
    { spec: { protocol: 'htp' }, path: 'body.spec.protocol', message: /did you mean http\?/ },
    { spec: { port: 70000, protocol: 'http' }, path: 'body.spec.port', message: /between 1 and 65535, got 70000/ },
    { spec: { port: '30000', protocol: 'http' }, path: 'body.spec.port', message: /remove the quotes/ },
    { spec: {}, path: 'body.spec.protocol', message: /is required: one of http/ },
    {
      spec: { protocol: 'http', serviceGroup: { services: [{ name: 'web', namespace: 'demo', port: 'eighty' }] } },
      path: 'body.spec.serviceGroup.services[0].port',
      message: /must be an integer/,
    },
    {
      spec: { protocol: 'http', backendProtocol: 'ftp' },
      path: 'body.spec.backendProtocol',
      message: /http, https, grpc/,
    },
  ];
  for (const { spec, path, message } of cases) {
    const answer = await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec });
    t.equal(answer.status, 400, JSON.stringify(spec));
    t.equal(answer.body.issues[0].path, path, JSON.stringify(spec));
    t.match(answer.body.issues[0].message, message);
  }
  t.notOk(existsSync(join(dir, 'admin-api')), 'nothing was written');
});

t.test('replace and delete a Frontend; resourceVersion conflicts; the port stays', async (t) => {
  const { app, dir } = await fileApp(t, { 'alb.yaml': portMode });
  const created = (await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { protocol: 'http' } })).body;
  const url = `${fts}/albs/lb-30000`;
  const updated = await call(app, 'PUT', url, tokens.p1, {
    spec: { port: 30000, protocol: 'http', serviceGroup: web },
    resourceVersion: created.metadata.resourceVersion,
  });
  t.equal(updated.status, 200);
  t.same(updated.body.spec.serviceGroup, web);
  t.not(updated.body.metadata.resourceVersion, created.metadata.resourceVersion);
  t.same(updated.body.metadata.labels, created.metadata.labels, "labels stay the server's");
  const stale = await call(app, 'PUT', url, tokens.p1, {
    spec: { port: 30000, protocol: 'https' },
    resourceVersion: created.metadata.resourceVersion,
  });
  t.equal(stale.status, 409);
  t.equal(stale.body.code, 'ALB_ADMIN_CONFLICT');
  t.same(stale.body.current.spec.serviceGroup, web, '409 carries the current state');
  const moved = await call(app, 'PUT', url, tokens.p1, { spec: { port: 30001, protocol: 'http' } });
  t.equal(moved.status, 400);
  t.equal(moved.body.issues[0].path, 'body.spec.port');
  t.equal((await call(app, 'GET', url, tokens.p2.replace('p2', 'p1'))).status, 200);
  t.equal(
    (await call(app, 'GET', '/v1/projects/p2/frontends/albs/lb-30000', tokens.p2)).status,
    404,
    "another project's Frontend is not found",
  );
  const rule = await call(app, 'POST', `${url}/rules`, tokens.p1, {
    spec: { dslx: [{ type: 'URL', values: [['PATH_PREFIX', '/']] }], serviceGroup: web },
  });
  t.equal(rule.status, 201);
  t.equal((await call(app, 'DELETE', url, tokens.p1)).status, 204);
  t.same(readdirSync(join(dir, 'admin-api')), [], 'the Frontend and its Rules are gone');
  t.equal((await call(app, 'GET', url, tokens.p1)).status, 404);
});

t.test('rules: create (named or not), dslx errors by field, replace, delete; L4 Frontends take none', async (t) => {
  const { app } = await fileApp(t, { 'alb.yaml': portMode });
  await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { protocol: 'http' } });
  await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { protocol: 'tcp', serviceGroup: web } });
  const rules = `${fts}/albs/lb-30000/rules`;
  const named = await call(app, 'POST', rules, tokens.p1, {
    name: 'api',
    spec: { priority: 4, dslx: [{ type: 'URL', values: [['PATH_PREFIX', '/api']] }], serviceGroup: web },
  });
  t.equal(named.status, 201);
  t.match(named.body.metadata, {
    name: 'api',
    labels: { 'alb2.cpaas.io/name': 'lb', 'alb2.cpaas.io/frontend': 'lb-30000', 'cpaas.io/project': 'p1' },
  });
  const generated = await call(app, 'POST', rules, tokens.p1, {
    spec: { dslx: [{ type: 'HOST', values: [['EQ', 'a.example']] }] },
  });
  t.match(generated.body.metadata.name, /^lb-30000-[a-z0-9]{5}$/);
  const badOp = await call(app, 'POST', rules, tokens.p1, {
    spec: { dslx: [{ type: 'URL', values: [['EQQ', '/']] }] },
  });
  t.equal(badOp.status, 400);
  t.match(badOp.body.issues[0].path, /^body\.spec\.dslx\[0\]\.values\[0\]/);
  const badArity = await call(app, 'POST', rules, tokens.p1, { spec: { dslx: [{ type: 'URL', values: [['EQ']] }] } });
  t.equal(badArity.status, 400);
  t.match(badArity.body.issues[0].path, /^body\.spec\.dslx\[0\]\.values\[0\]/);
  t.match(badArity.body.issues[0].message, /EQ/);
  const dup = await call(app, 'POST', rules, tokens.p1, {
    name: 'api',
    spec: { dslx: [{ type: 'URL', values: [['EQ', '/']] }] },
  });
  t.equal(dup.status, 409);
  t.equal(dup.body.code, 'ALB_ADMIN_CONFLICT');
  const replaced = await call(app, 'PUT', `${rules}/api`, tokens.p1, {
    spec: { priority: 1, dslx: [{ type: 'URL', values: [['EQ', '/x']] }] },
  });
  t.equal(replaced.status, 200);
  t.equal(replaced.body.spec.priority, 1);
  t.same(
    (await call(app, 'GET', rules, tokens.p1)).body.items.map((r: { metadata: { name: string } }) => r.metadata.name)
      .length,
    2,
  );
  t.equal((await call(app, 'DELETE', `${rules}/api`, tokens.p1)).status, 204);
  t.equal((await call(app, 'GET', `${rules}/api`, tokens.p1)).status, 404);
  const l4 = await call(app, 'POST', `${fts}/albs/lb-30001/rules`, tokens.p1, {
    spec: { dslx: [{ type: 'URL', values: [['EQ', '/']] }] },
  });
  t.equal(l4.status, 409);
  t.equal(l4.body.code, 'ALB_ADMIN_L4_FRONTEND');
});

t.test('usage and whoami', async (t) => {
  const { app } = await fileApp(t, {
    'alb.yaml': portMode,
    'served.yaml': albYaml('shared').replace('[ALL_ALL]', '[p1, p3]'),
  });
  await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { protocol: 'http' } });
  const usage = await call(app, 'GET', '/v1/projects/p1/usage', tokens.p1);
  t.equal(usage.status, 200);
  t.match(usage.body, {
    project: 'p1',
    albs: [
      {
        name: 'lb',
        portProjectMode: true,
        segments: [{ id: '30000-30002', size: 3, free: 2, used: [{ name: 'lb-30000', port: 30000 }] }],
        frontends: [{ name: 'lb-30000', port: 30000, projects: ['p1'] }],
        free: 2,
      },
      { name: 'shared', portProjectMode: false, segments: [], frontends: [], free: 65534 },
    ],
  });
  t.same(
    (await call(app, 'GET', '/v1/projects/p2/usage', tokens.p2)).body.albs.map((a: { name: string }) => a.name),
    ['lb'],
  );
  t.equal((await call(app, 'GET', '/v1/projects/p2/usage', tokens.p1)).status, 403);
  const admin = await call(app, 'GET', '/v1/whoami', tokens.admin);
  t.same(admin.body, {
    user: 'admin',
    groups: ['alb:admins'],
    admin: true,
    projects: ['p1', 'p2', 'p3'],
    source: 'file',
  });
  const alice = await call(app, 'GET', '/v1/whoami', tokens.p1);
  t.same(alice.body, {
    user: 'alice',
    groups: ['alb:project:p1', 'developers'],
    admin: false,
    projects: ['p1'],
    source: 'file',
  });
});

t.test('hand edits to the directory are seen at once', async (t) => {
  const { app, dir } = await fileApp(t, { 'alb.yaml': portMode });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'mine.yaml'), frontendYaml('lb-30000', 30000, ', project.cpaas.io/p1: "true"'));
  const taken = await call(app, 'POST', fts, tokens.p1, { alb: albRef, spec: { port: 30000, protocol: 'http' } });
  t.equal(taken.status, 409);
  t.equal(taken.body.code, 'ALB_ADMIN_PORT_TAKEN');
  t.match(read(dir, 'mine.yaml'), /lb-30000/);
  // Again and again, with new files and edits of one file: a change made before a call is always seen.
  for (let i = 1; i <= 20; i++) {
    const port = 31000 + (i % 10);
    const file = i % 2 === 0 ? `mine-${i}.yaml` : 'edited.yaml';
    writeFileSync(join(dir, file), frontendYaml(`hand-${i}`, port, ', project.cpaas.io/p2: "true"'));
    const answer = await call(app, 'POST', '/v1/projects/p2/frontends', tokens.p2, {
      alb: albRef,
      spec: { port, protocol: 'http' },
    });
    t.equal(answer.body.code, 'ALB_ADMIN_PORT_TAKEN', `edit ${i}: port ${port} is seen as taken`);
  }
});
