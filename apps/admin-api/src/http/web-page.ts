// The web page at `/`: three bundled files read once at start, served with a strict Content-Security-Policy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const files = [
  { route: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { route: '/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { route: '/app.css', file: 'app.css', type: 'text/css; charset=utf-8' },
] as const;

const headers = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Serves the page from `dir` (the bundle's `web/`); throws at start when a file is missing. */
export function installWebPage(app: FastifyInstance, dir: string): void {
  for (const { route, file, type } of files) {
    const body = readFileSync(join(dir, file));
    app.get(route, { schema: { hide: true } }, (_request, reply) =>
      reply.headers({ ...headers, 'content-type': type }).send(body),
    );
  }
}
