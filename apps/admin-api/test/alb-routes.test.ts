// /v1/albs on a file store: reads, projects, port segments; authentication, permissions, validation, limits.
import t from 'tap';
import { albYaml, call, fileApp, frontendYaml, read, tokens } from './helpers.ts';

const base = '/v1/albs/albs/lb';

t.test('who may call: 401 without or with a bad token, 403 naming the permission', async (t) => {
  const { app } = await fileApp(t, { 'alb.yaml': albYaml() });
  const none = await call(app, 'GET', '/v1/albs', null);
  t.equal(none.status, 401);
  t.equal(none.body.code, 'ALB_ADMIN_UNAUTHENTICATED');
  t.match(none.headers['www-authenticate'], /^Bearer/);
  t.equal((await call(app, 'GET', '/v1/albs', 'nope')).status, 401);
  const tenant = await call(app, 'GET', '/v1/albs', tokens.p1);
  t.equal(tenant.status, 403);
  t.same(tenant.body, {
    statusCode: 403,
    code: 'ALB_ADMIN_FORBIDDEN',
    error: 'Forbidden',
    message: 'user "alice" may not list albs (API group admin.alb.cpaas.io)',
    permission: { verb: 'list', resource: 'albs', group: 'admin.alb.cpaas.io' },
  });
  const viewer = await call(app, 'POST', `${base}/port-segments`, tokens.viewer, { ports: '1-2', projects: ['p1'] });
  t.equal(viewer.status, 403);
  t.equal(
    viewer.body.message,
    'user "vera" may not create albs/port-segments "lb" in namespace albs (API group admin.alb.cpaas.io)',
  );
  t.equal((await call(app, 'GET', base, tokens.viewer)).status, 200, 'viewers read');
});

t.test('GET /v1/albs and /v1/albs/{namespace}/{name}', async (t) => {
  const { app } = await fileApp(t, {
    'alb.yaml': albYaml(),
    'other.yaml': albYaml('second').replace('192.0.2.1', '192.0.2.2'),
    'fts.yaml': [frontendYaml('lb-00080', 80), frontendYaml('second-00081', 81, '', 'second')].join('---\n'),
  });
  const all = await call(app, 'GET', '/v1/albs', tokens.admin);
  t.equal(all.status, 200);
  t.same(
    all.body.items.map((a: { name: string; frontends: number }) => [a.name, a.frontends]),
    [
      ['lb', 1],
      ['second', 1],
    ],
  );
  const one = await call(app, 'GET', base, tokens.admin);
  t.match(one.body, {
    namespace: 'albs',
    name: 'lb',
    address: ['192.0.2.1'],
    state: 'Unknown',
    portProjectMode: false,
    projects: ['ALL_ALL'],
    segments: [],
    frontends: 1,
    resourceVersion: /^[0-9a-f]{16}$/,
  });
  const missing = await call(app, 'GET', '/v1/albs/albs/nope', tokens.admin);
  t.equal(missing.status, 404);
  t.equal(missing.body.message, 'ALB2 albs/nope not found');
  const bad = await call(app, 'GET', '/v1/albs/Bad_NS/lb', tokens.admin);
  t.equal(bad.status, 400);
  t.equal(bad.body.issues[0].path, 'params.namespace');
});

t.test('port segments: create, overlap, update, in use, delete; the mode follows', async (t) => {
  const ctx = await fileApp(t, {
    'alb.yaml': albYaml(),
    'ft.yaml': frontendYaml('lb-30005', 30005, ', project.cpaas.io/p1: "true"'),
  });
  const { app, dir } = ctx;
  const created = await call(app, 'POST', `${base}/port-segments`, tokens.admin, {
    ports: '30000-30009',
    projects: ['p1'],
  });
  t.equal(created.status, 201);
  t.same(created.body, {
    id: '30000-30009',
    ports: '30000-30009',
    projects: ['p1'],
    size: 10,
    free: 9,
    used: [{ namespace: 'albs', name: 'lb-30005', port: 30005, projects: ['p1'] }],
  });
  const file = read(dir, 'alb.yaml');
  t.match(file, /^# the test ALB\n/, 'the comment of the hand-written file is kept');
  t.match(file, /enablePortProject: true/, 'the first segment turns port-project mode on');
  t.match(file, /portProjects: '\[\{"port":"30000-30009","projects":\["p1"\]\}\]'/);
  t.match(file, /cpaas.io\/role: port/, 'and labels the ALB as ALB does');
  t.equal((await call(app, 'GET', base, tokens.admin)).body.portProjectMode, true);

  const overlap = await call(app, 'POST', `${base}/port-segments`, tokens.admin, {
    ports: '30009-30020',
    projects: ['p2'],
  });
  t.equal(overlap.status, 409);
  t.equal(overlap.body.code, 'ALB_ADMIN_SEGMENT_OVERLAP');
  t.same(overlap.body.current, { segments: [{ ports: '30000-30009', projects: ['p1'] }] });

  const shrink = await call(app, 'PUT', `${base}/port-segments/30000-30009`, tokens.admin, {
    ports: '30000-30004',
    projects: ['p1'],
  });
  t.equal(shrink.status, 409);
  t.equal(shrink.body.code, 'ALB_ADMIN_SEGMENT_IN_USE');
  t.match(shrink.body.message, /albs\/lb-30005 \(port 30005, p1\)/, 'names the Frontend in the way');
  const reassign = await call(app, 'PUT', `${base}/port-segments/30000-30009`, tokens.admin, {
    ports: '30000-30009',
    projects: ['p2'],
  });
  t.equal(reassign.status, 409, 'taking the port from its project is refused too');
  const grow = await call(app, 'PUT', `${base}/port-segments/30000-30009`, tokens.admin, {
    ports: '30000-30019',
    projects: ['p1', 'p2'],
  });
  t.equal(grow.status, 200);
  t.equal(grow.body.id, '30000-30019', 'the id follows the ports');
  t.equal(
    (await call(app, 'PUT', `${base}/port-segments/1-2`, tokens.admin, { ports: '1-2', projects: ['p1'] })).status,
    404,
  );

  const inUse = await call(app, 'DELETE', `${base}/port-segments/30000-30019`, tokens.admin);
  t.equal(inUse.status, 409);
  t.equal(inUse.body.code, 'ALB_ADMIN_SEGMENT_IN_USE');
  const other = await call(app, 'POST', `${base}/port-segments`, tokens.admin, { ports: '40000', projects: ['p3'] });
  t.equal(other.status, 201);
  t.equal((await call(app, 'DELETE', `${base}/port-segments/40000`, tokens.admin)).status, 204);
  t.same(
    (await call(app, 'GET', `${base}/port-segments`, tokens.admin)).body.items.map((s: { id: string }) => s.id),
    ['30000-30019'],
  );
  t.equal(ctx.audit.length, 4, 'one audit line per write');
  t.match(ctx.audit[0]!.audit, {
    user: 'admin',
    action: 'update',
    target: 'ALB2 albs/lb port-segments',
    before: { portProjectMode: false, segments: [] },
    after: { portProjectMode: true, segments: [{ ports: '30000-30009', projects: ['p1'] }] },
  });
});

t.test('deleting the last segment turns port-project mode off', async (t) => {
  const { app, dir } = await fileApp(t, { 'alb.yaml': albYaml() });
  await call(app, 'POST', `${base}/port-segments`, tokens.admin, { ports: '8000-8099', projects: ['p1'] });
  t.equal((await call(app, 'DELETE', `${base}/port-segments/8000-8099`, tokens.admin)).status, 204);
  const alb = await call(app, 'GET', base, tokens.admin);
  t.equal(alb.body.portProjectMode, false);
  t.notMatch(read(dir, 'alb.yaml'), /cpaas.io\/role/);
});

t.test('segment input errors name the field', async (t) => {
  const { app, dir } = await fileApp(t, { 'alb.yaml': albYaml() });
  const before = read(dir, 'alb.yaml');
  const cases: Array<{ body: unknown; path: string; message: RegExp }> = [
    { body: { ports: '90-80', projects: ['p1'] }, path: 'body.ports', message: /start <= end, got "90-80"/ },
    { body: { ports: 'abc', projects: ['p1'] }, path: 'body.ports', message: /must look like/ },
    { body: { ports: '80', projects: [] }, path: 'body.projects', message: /fewer than 1 items/ },
    { body: { ports: '80', projects: ['Bad Project'] }, path: 'body.projects[0]', message: /must look like/ },
    { body: { ports: '80' }, path: 'body.projects', message: /is required/ },
    {
      body: { ports: '80', projects: ['p1'], port: 1 },
      path: 'body.port',
      message: /^unknown field; did you mean ports\?$/,
    },
    { body: { ports: 80, projects: ['p1'] }, path: 'body.ports', message: /must be a string, got 80; quote it/ },
  ];
  for (const { body, path, message } of cases) {
    const answer = await call(app, 'POST', `${base}/port-segments`, tokens.admin, body);
    t.equal(answer.status, 400, JSON.stringify(body));
    t.equal(answer.body.code, 'ALB_ADMIN_INVALID');
    t.equal(answer.body.issues[0].path, path, JSON.stringify(body));
    t.match(answer.body.issues[0].message, message);
  }
  t.equal(read(dir, 'alb.yaml'), before, 'nothing was written');
});

t.test('projects: set, and refused while a project has Frontends here', async (t) => {
  const { app, dir } = await fileApp(t, {
    'alb.yaml': albYaml(),
    'ft.yaml': frontendYaml('lb-00080', 80, ', project.cpaas.io/p1: "true"'),
  });
  const refused = await call(app, 'PUT', `${base}/projects`, tokens.admin, { projects: ['p2'] });
  t.equal(refused.status, 409);
  t.equal(refused.body.code, 'ALB_ADMIN_PROJECT_IN_USE');
  t.match(refused.body.message, /project p1 .*albs\/lb-00080 \(port 80\)/);
  const set = await call(app, 'PUT', `${base}/projects`, tokens.admin, { projects: ['p1', 'p2', 'p1'] });
  t.equal(set.status, 200);
  t.same(set.body.projects, ['p1', 'p2']);
  const file = read(dir, 'alb.yaml');
  t.match(file, /projects: \[p1, p2\]/);
  t.match(file, /project.cpaas.io\/p1: "true"/, 'labels mirror the projects (no operator in file mode)');
  t.notMatch(file, /project.cpaas.io\/ALL_ALL/);
});

t.test('rate limit per token: 429 with Retry-After, other tokens unaffected', async (t) => {
  const { app, advance } = await fileApp(t, { 'alb.yaml': albYaml() }, { rateLimit: { perSecond: 1, burst: 2 } });
  t.equal((await call(app, 'GET', base, tokens.admin)).status, 200);
  t.equal((await call(app, 'GET', base, tokens.admin)).status, 200);
  const limited = await call(app, 'GET', base, tokens.admin);
  t.equal(limited.status, 429);
  t.equal(limited.body.code, 'ALB_ADMIN_RATE_LIMITED');
  t.equal(limited.headers['retry-after'], '1');
  t.equal((await call(app, 'GET', base, tokens.viewer)).status, 200, 'another token');
  advance(1000);
  t.equal((await call(app, 'GET', base, tokens.admin)).status, 200, 'after a second');
});

t.test('request bodies are capped', async (t) => {
  const { app } = await fileApp(t, { 'alb.yaml': albYaml() }, { bodyLimit: 1024 });
  const big = await call(app, 'PUT', `${base}/projects`, tokens.admin, { projects: Array(200).fill('project-x') });
  t.equal(big.status, 413);
  t.equal(big.body.code, 'ALB_ADMIN_TOO_LARGE');
  const broken = await app.inject({
    method: 'PUT',
    url: `${base}/projects`,
    headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
    payload: '{"projects": [',
  });
  t.equal(broken.statusCode, 400);
  t.equal(JSON.parse(broken.body).issues[0].path, 'body');
  const proto = await app.inject({
    method: 'PUT',
    url: `${base}/projects`,
    headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
    payload: '{"projects": ["p1"], "__proto__": {"admin": true}}',
  });
  t.equal(proto.statusCode, 400, 'prototype poisoning is refused');
  await call(app, 'POST', `${base}/port-segments`, tokens.admin, { ports: '80', projects: ['p1'] });
  const emptyJson = await app.inject({
    method: 'DELETE',
    url: `${base}/port-segments/80`,
    headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
  });
  t.equal(emptyJson.statusCode, 204, 'an empty body sent as JSON is no body');
});

t.test('a broken portProjects string is reported, never overwritten', async (t) => {
  const { app, dir } = await fileApp(t, {
    'alb.yaml': albYaml('lb', `    enablePortProject: true\n    portProjects: '[{"port":"9-1","projects":[]}]'\n`),
  });
  const alb = await call(app, 'GET', base, tokens.admin);
  t.match(alb.body.segmentsProblem, /port range 9-1/);
  const add = await call(app, 'POST', `${base}/port-segments`, tokens.admin, { ports: '80', projects: ['p1'] });
  t.equal(add.status, 409);
  t.equal(add.body.code, 'ALB_ADMIN_BAD_SEGMENTS');
  t.match(read(dir, 'alb.yaml'), /9-1/);
  const projects = await call(app, 'PUT', `${base}/projects`, tokens.admin, { projects: ['p1'] });
  t.equal(projects.status, 200, 'projects can still be set');
  t.match(read(dir, 'alb.yaml'), /9-1/, 'and the segments are left as they were');
});
