import { createServer, type Server } from 'node:http';

export type OpsHandlers = { ready: () => boolean; metrics: () => string };

/** `/healthz` (the process answers), `/readyz` (caches synced), `/metrics` (Prometheus text). GET and HEAD only. */
export function startOpsServer(port: number, host: string, handlers: OpsHandlers): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const path = (req.url ?? '/').split('?')[0];
    const text = (status: number, body: string, type = 'text/plain') =>
      void res.writeHead(status, { 'content-type': type }).end(body);
    if (path === '/healthz') return text(200, 'ok\n');
    if (path === '/readyz') return handlers.ready() ? text(200, 'ready\n') : text(503, 'not ready\n');
    if (path === '/metrics') return text(200, handlers.metrics(), 'text/plain; version=0.0.4');
    return text(404, 'not found: try /healthz, /readyz, /metrics\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
