// The command line: usage errors, the contract's paths on a running process, the web page, SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { albYaml, freePort, tempDir, tokenFile, tokens } from './helpers.ts';

const main = new URL('../src/main.ts', import.meta.url).pathname;

t.test('usage errors exit 2 and name the option', async (t) => {
  const cases: Array<{ args: string[]; message: RegExp }> = [
    { args: ['--source', 'file'], message: /--dir and --tokens are required with --source file/ },
    { args: ['--source', 'nfs'], message: /--source must be file or kube, got nfs/ },
    {
      args: ['--dir', '/tmp', '--tokens', '/tmp/x', '--port', 'eighty'],
      message: /--port must be a number, got eighty/,
    },
    { args: ['--dir', '/tmp', '--tokens', '/tmp/x', '--log-level', 'loud'], message: /--log-level must be one of/ },
  ];
  for (const { args, message } of cases) {
    const run = spawnSync(process.execPath, ['--conditions=@alb/source', main, ...args], { encoding: 'utf8' });
    t.equal(run.status, 2, args.join(' '));
    t.match(run.stderr, message);
    t.match(run.stderr, /\[ALB_ADMIN_USAGE\]/);
  }
  const help = spawnSync(process.execPath, ['--conditions=@alb/source', main, '--help'], { encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(help.stdout, /alb-admin-api --source file --dir <path> --tokens <file>/);
});

t.test('a running file-mode process serves the contract', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'alb.yaml'), albYaml());
  const tokenPath = join(tempDir(t), 'tokens.csv');
  writeFileSync(tokenPath, tokenFile);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=@alb/source', main, '--source', 'file', '--dir', dir, '--tokens', tokenPath, '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c));
  child.stderr.on('data', (c: Buffer) => (output += c));
  t.teardown(() => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.equal(await (await fetch(`${url}/healthz`)).text(), 'ok\n');
  t.equal((await fetch(`${url}/readyz`)).status, 200);
  const albs = await fetch(`${url}/v1/albs`, { headers: { authorization: `Bearer ${tokens.admin}` } });
  t.equal(albs.status, 200);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  t.match(metrics, /alb_admin_requests_total\{method="GET",route="\/v1\/albs",status="200"\} 1/);
  const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as {
    openapi: string;
    paths: Record<string, object>;
  };
  t.equal(openapi.openapi, '3.1.0');
  t.same(Object.keys(openapi.paths).sort(), [
    '/v1/albs',
    '/v1/albs/{namespace}/{name}',
    '/v1/albs/{namespace}/{name}/port-segments',
    '/v1/albs/{namespace}/{name}/port-segments/{id}',
    '/v1/albs/{namespace}/{name}/projects',
    '/v1/projects/{project}/frontends',
    '/v1/projects/{project}/frontends/{namespace}/{name}',
    '/v1/projects/{project}/frontends/{namespace}/{name}/rules',
    '/v1/projects/{project}/frontends/{namespace}/{name}/rules/{rule}',
    '/v1/projects/{project}/usage',
    '/v1/whoami',
  ]);
  t.equal((await fetch(`${url}/docs/`)).status, 200, 'the reference page');
  const page = await fetch(`${url}/`);
  t.equal(page.status, 200, 'the web page (built by the test target)');
  t.match(await page.text(), /<script type="module" src="\/app.js">/);
  t.match(page.headers.get('content-security-policy'), /script-src 'self'/);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0, 'SIGTERM stops it cleanly');
  t.match(output, /"msg":"alb-admin-api started"/);
});
