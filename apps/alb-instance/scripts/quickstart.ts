// `npm start`: small demo backends, then the bundled instance on examples/quickstart, then curl commands to try.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = `${root}examples/quickstart`;
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const opsPort = Number(process.env.ALB_QUICKSTART_OPS_PORT ?? 1936);

/** The Services of examples/quickstart/services.yaml: each answers with its name and the request it got. */
const backends: Array<[string, number]> = [
  ['web', 18081],
  ['api', 18082],
  ['shop', 18083],
  ['canary', 18084],
];

const servers: Server[] = [];
for (const [name, port] of backends) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${name}: ${req.method} ${req.url}\n`);
    });
  });
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (error) {
    console.error(`cannot start the demo backend ${name} on 127.0.0.1:${port}: ${(error as Error).message}`);
    process.exit(1);
  }
  servers.push(server);
}

const instance = spawn(
  process.execPath,
  ['--max-semi-space-size=4', '--expose-gc', main, '--dir', dir, '--workers', '1', '--ops-port', String(opsPort)],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
// The admin API on the same directory (apps/admin-api/scripts/quickstart.ts): it answers with its URL and a demo token.
const admin = spawn(
  process.execPath,
  [fileURLToPath(new URL('../../admin-api/scripts/quickstart.ts', import.meta.url)), '--dir', dir],
  { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
);
const adminReady = new Promise<{ url?: string; token?: string; error?: string }>((resolve) => {
  admin.once('message', (message) => resolve(message as { url?: string; token?: string; error?: string }));
  admin.once('exit', () => resolve({ error: 'the admin API stopped' }));
});
const stop = () => {
  instance.kill('SIGTERM');
  admin.kill('SIGTERM');
  for (const server of servers) server.close();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
instance.on('exit', (code) => {
  for (const server of servers) server.close();
  process.exitCode = code ?? 0;
});

for (let i = 0; ; i++) {
  const ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ready) break;
  if (i > 100 || instance.exitCode !== null) {
    console.error('alb-instance did not become ready; see its log above');
    stop();
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const tries: Array<[string, string]> = [
  ['curl -s http://127.0.0.1:8080/', 'web: GET /'],
  ['curl -s http://127.0.0.1:8080/api/users', 'api: GET /api/users'],
  ['curl -s -H "Host: shop.example.com" http://127.0.0.1:8080/cart', 'shop: GET /cart'],
  ['curl -s -H "x-canary: true" http://127.0.0.1:8080/api/users', 'canary: GET /api/users'],
  ['curl -s -X DELETE http://127.0.0.1:8080/api/users/7', 'canary: DELETE /api/users/7'],
  [
    "curl -s -o /dev/null -w '%{http_code} %{redirect_url}\\n' http://127.0.0.1:8080/old",
    '301 http://127.0.0.1:8080/new',
  ],
  ['curl -s http://127.0.0.1:8080/v1/orders?page=2', 'api: GET /api/orders?page=2'],
  ['curl -s -H "Host: shop.example.com" -H "x-canary: true" http://127.0.0.1:8080/', 'canary: GET /'],
  ['curl -s -H "Host: blog.example.com" http://127.0.0.1:8080/blog/posts/1', 'api: GET /posts/1'],
];
const adminApi = await adminReady;
const adminLines =
  adminApi.url === undefined
    ? `Admin API: not started (${adminApi.error})`
    : `Admin API and web page: ${adminApi.url} (demo admin token, new at every start: ${adminApi.token})
  changes made there are written to ${dir}/admin-api/ and route within a second; e.g.
  curl -s -H "Authorization: Bearer ${adminApi.token}" ${adminApi.url}v1/albs`;
console.log(`
ALB is serving ${dir} on http://127.0.0.1:8080 (edit the YAML there: changes apply live).
Operations: http://127.0.0.1:${opsPort}/healthz  /readyz  /metrics
${adminLines}

Try (each line shows what it answers):
${tries.map(([command, answer]) => `  ${command.padEnd(96)} # -> ${answer}`).join('\n')}

Press Ctrl-C to stop.`);
