// 200 concurrent creates over real sockets, two projects asking for the same 50 ports (and for any free one):
// every port is handed out exactly once, every loser gets a 409, and the directory agrees.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { albYaml, fileApp, tokens } from './helpers.ts';

t.test('200 concurrent creates of overlapping ports: no double allocation (file mode)', async (t) => {
  const { app, dir } = await fileApp(t, {
    'alb.yaml': albYaml(
      'lb',
      `    enablePortProject: true\n    portProjects: '[{"port":"30000-30049","projects":["p1","p2"]}]'\n`,
    ),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const requests = Array.from({ length: 200 }, (_, i) => {
    const project = i % 2 === 0 ? 'p1' : 'p2';
    // Three of four ask for a port (each port is asked for by both projects), one of four for any free port.
    const spec = i % 4 === 3 ? { protocol: 'http' } : { port: 30000 + (i % 50), protocol: 'http' };
    return fetch(`http://127.0.0.1:${port}/v1/projects/${project}/frontends`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[project]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alb: { namespace: 'albs', name: 'lb' }, spec }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string; spec: { port: number } } }));
  });
  const answers = await Promise.all(requests);
  const won = answers.filter((a) => a.status === 201);
  const lost = answers.filter((a) => a.status !== 201);
  const wonPorts = won.map((a) => a.body.spec.port as number);
  t.equal(new Set(wonPorts).size, wonPorts.length, 'no port was handed out twice');
  t.equal(won.length, 50, 'every port of the segment was handed out');
  t.same(
    [...new Set(lost.map((a) => `${a.status} ${a.body.code}`))].sort(),
    ['409 ALB_ADMIN_NO_FREE_PORT', '409 ALB_ADMIN_PORT_TAKEN'],
    'the others were told why',
  );
  const files = readdirSync(join(dir, 'admin-api'));
  const onDisk = files.map((f) => parse(readFileSync(join(dir, 'admin-api', f), 'utf8')).spec.port as number);
  t.equal(onDisk.length, 50);
  t.same([...onDisk].sort(), [...wonPorts].sort(), 'the directory holds exactly the winners');
});
