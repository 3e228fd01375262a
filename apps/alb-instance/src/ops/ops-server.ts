import { createServer, type Server } from 'node:http';

export type OpsState = {
  /** Why the instance is not ready; empty when it is (a config is served, from sources that can be read). */
  notReady: () => string[];
  metrics: () => Promise<string>;
};

/**
 * The operations port: `/healthz` (the process answers), `/readyz` (200 `ready`, or 503 with one reason per
 * line), `/metrics` (Prometheus text). Small and separate from the data plane, so probes work even when no
 * Frontend exists.
 */
export function startOpsServer(port: number, host: string, state: OpsState): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const reasons = state.notReady();
      const body = reasons.length === 0 ? 'ready\n' : `not ready:\n${reasons.map((r) => `- ${r}\n`).join('')}`;
      res.writeHead(reasons.length === 0 ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    } else if (path === '/metrics') {
      state.metrics().then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        (error: Error) =>
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${error.message}\n`),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz, /readyz, /metrics\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
