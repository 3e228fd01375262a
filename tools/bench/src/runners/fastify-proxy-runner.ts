// @fastify/http-proxy for the bench: fastify with the plugin, upstream through undici's keep-alive pool.
import fastifyHttpProxy from '@fastify/http-proxy';
import { fastify } from 'fastify';
import { exitWith, runnerArgs } from './runner-args.ts';

const { port, backendPort } = runnerArgs(process.argv.slice(2));
const app = fastify({ logger: false, keepAliveTimeout: 75_000 });
await app.register(fastifyHttpProxy, {
  upstream: `http://127.0.0.1:${backendPort}`,
  undici: { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 },
});
await app.listen({ port, host: '127.0.0.1' });
exitWith(() => app.close());
