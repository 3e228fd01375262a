// `npm start` (after the build): the quickstart also runs the admin API on examples/quickstart, prints its URL and a
// demo admin token, and a Frontend created through it routes (the time it took is printed as a comment).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { freePort, get } from './helpers.ts';

const script = fileURLToPath(new URL('../../alb-instance/scripts/quickstart.ts', import.meta.url));
const created = fileURLToPath(new URL('../../../examples/quickstart/admin-api', import.meta.url));

t.test('the quickstart prints the admin API, and a change made there routes', { timeout: 90_000 }, async (t) => {
  const hadDir = existsSync(created);
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    child.kill('SIGTERM');
    // Leave examples/quickstart as it was when the test found it.
    if (!hadDir) rmSync(created, { recursive: true, force: true });
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 400 && !out.includes('Press Ctrl-C to stop.'); i++) await new Promise((r) => setTimeout(r, 100));
  const match = /Admin API and web page: (http:\/\/\S+) \(demo admin token, new at every start: ([0-9a-f]{48})\)/.exec(
    out,
  );
  t.ok(match, `the URL and a demo token are printed\n${out.slice(-1500)}`);
  if (match === null) return;
  const [, url, token] = match as unknown as [string, string, string];
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const albs = await fetch(`${url}v1/albs`, { headers });
  t.equal(albs.status, 200, 'the demo token is an admin');
  t.equal(((await albs.json()) as { items: Array<{ name: string }> }).items[0]!.name, 'quickstart');
  t.equal((await fetch(url)).status, 200, 'the web page');

  const port = await freePort();
  const start = Date.now();
  const answer = await fetch(`${url}v1/projects/demo/frontends`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      alb: { namespace: 'alb-demo', name: 'quickstart' },
      spec: {
        port,
        protocol: 'http',
        serviceGroup: { services: [{ name: 'web', namespace: 'demo', port: 80, weight: 100 }] },
      },
    }),
  });
  t.equal(answer.status, 201);
  let routed = { status: 0, body: '' };
  for (let i = 0; i < 200 && routed.status !== 200; i++) {
    routed = await get(port, '/from-the-api').catch(() => ({ status: 0, body: '' }));
    if (routed.status !== 200) await new Promise((r) => setTimeout(r, 25));
  }
  t.same(routed, { status: 200, body: 'web: GET /from-the-api\n' }, 'the new port routes to the demo backend');
  t.comment(`API create -> first routed request: ${Date.now() - start} ms`);
  const name = `quickstart-${String(port).padStart(5, '0')}`;
  const removed = await fetch(`${url}v1/projects/demo/frontends/alb-demo/${name}`, { method: 'DELETE', headers });
  t.equal(removed.status, 204);
  t.same(existsSync(created) ? readdirSync(created) : [], [], 'the file written is gone again');
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0, 'stops cleanly');
});
