// node-http-proxy for the bench: a node:http server forwarding through a keep-alive agent.
import { Agent, createServer } from 'node:http';
import httpProxy from 'http-proxy';
import { exitWith, runnerArgs } from './runner-args.ts';

const { port, backendPort } = runnerArgs(process.argv.slice(2));
const agent = new Agent({ keepAlive: true, maxFreeSockets: 64 });
const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${backendPort}`, agent });
proxy.on('error', (_error, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502);
  res.end();
});
const server = createServer({ keepAliveTimeout: 75_000 }, (req, res) => proxy.web(req, res));
server.listen(port, '127.0.0.1');
exitWith(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
      agent.destroy();
    }),
);
