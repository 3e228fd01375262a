// `npm start`: small demo backends, then the bundled instance on examples/quickstart, then curl commands to try.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * An https Frontend on 8443 with a certificate made now (openssl; no private key is kept in the repository): a
 * kubernetes.io/tls Secret, the Frontend and a Rule naming the certificate for demo.example.com, written to examples/quickstart/generated/ (git-ignored), and the
 * certificate as the CA file curl trusts.
 */
function generateTls(): string | null {
  const out = `${dir}/generated`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30']
        .concat(['-subj', '/CN=demo.example.com', '-addext', 'subjectAltName=DNS:demo.example.com'])
        .concat(['-keyout', `${out}/demo.key`, '-out', `${out}/ca.pem`]),
      { stdio: 'ignore' },
    );
  } catch {
    rmSync(out, { recursive: true, force: true });
    return null;
  }
  const b64 = (file: string) => readFileSync(`${out}/${file}`).toString('base64');
  writeFileSync(
    `${out}/tls.yaml`,
    `# Made by npm start (a new certificate at every start): port 8443, https, certificate demo.example.com.
apiVersion: v1
kind: Secret
metadata: { name: demo-tls, namespace: alb-demo }
type: kubernetes.io/tls
data:
  tls.crt: ${b64('ca.pem')}
  tls.key: ${b64('demo.key')}
---
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: quickstart-08443, namespace: alb-demo, labels: { alb2.cpaas.io/name: quickstart } }
spec:
  port: 8443
  protocol: https
  certificate_name: alb-demo/demo-tls
  serviceGroup: { services: [{ name: web, namespace: demo, port: 80, weight: 100 }] }
---
# A Rule's certificate_name + domain is what clients sending SNI demo.example.com get (ALB's SNI certificates; the
# Frontend's own certificate is for clients without SNI).
apiVersion: crd.alauda.io/v1
kind: Rule
metadata:
  name: quickstart-08443-demo
  namespace: alb-demo
  labels: { alb2.cpaas.io/name: quickstart, alb2.cpaas.io/frontend: quickstart-08443 }
spec:
  domain: demo.example.com
  certificate_name: alb-demo/demo-tls
  dslx: [{ type: HOST, values: [[EQ, demo.example.com]] }]
  serviceGroup: { services: [{ name: web, namespace: demo, port: 80, weight: 100 }] }
`,
  );
  rmSync(`${out}/demo.key`);
  return `${out}/ca.pem`;
}
const caFile = generateTls();

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
if (caFile !== null) {
  const https = `--cacert ${caFile} --resolve demo.example.com:8443:127.0.0.1 https://demo.example.com:8443`;
  tries.push([`curl -s ${https}/tls`, 'web: GET /tls']);
  tries.push([`curl -s --http2 -o /dev/null -w '%{http_version}\\n' ${https}/`, '2']);
}
const adminApi = await adminReady;
const adminLines =
  adminApi.url === undefined
    ? `Admin API: not started (${adminApi.error})`
    : `Admin API and web page: ${adminApi.url} (demo admin token, new at every start: ${adminApi.token})
  changes made there are written to ${dir}/admin-api/ and route within a second; e.g.
  curl -s -H "Authorization: Bearer ${adminApi.token}" ${adminApi.url}v1/albs`;
console.log(`
ALB is serving ${dir} on http://127.0.0.1:8080 (edit the YAML there: changes apply live)${caFile === null ? ' (no https: openssl is not installed)' : ',\nand https://demo.example.com:8443 (SNI, HTTP/2) with a certificate made at start (generated/)'}.
Operations: http://127.0.0.1:${opsPort}/healthz  /readyz  /metrics
${adminLines}

Try (each line shows what it answers):
${tries.map(([command, answer]) => `  ${command.padEnd(96)} # -> ${answer}`).join('\n')}

Press Ctrl-C to stop.`);
