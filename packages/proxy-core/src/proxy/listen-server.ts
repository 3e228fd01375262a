import type { Server } from 'node:net';
import type { EngineSettings } from './listener-context.ts';

/** The accepted-connection hook of node's TCP server handle (not a public API: see `acceptHook`). */
export type ServerHandle = { onconnection: ((error: number, clientHandle?: ClientHandle) => void) | undefined };
/** An accepted connection's handle before a socket is built on it. */
export type ClientHandle = { close(): void };

/**
 * Listens on `port` the way every listener does (backlog 4096, SO_REUSEPORT for workers). A bind error rejects;
 * once listening, an accept that fails (EMFILE: out of descriptors) is logged and never ends the process, since the
 * next accept may work.
 */
export function listenServer(
  server: Server,
  port: number,
  host: string,
  reusePort: boolean,
  settings: EngineSettings,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host, reusePort, backlog: 4096 }, () => {
      server.off('error', onError);
      server.on('error', (error) => settings.logger?.error({ port, error: error.message }, 'accept failed'));
      resolve();
    });
  });
}

/**
 * node's server creates every accepted socket on its stream path (a Buffer allocated per read, the stream machinery
 * per chunk) and offers no `onread` for them. Taking over the listening handle's accept callback lets a listener
 * build each socket itself with `onread` (a documented socket option). Returns false when the hook is not there (a
 * future node may move it): the server's own connection event then serves every connection, slower.
 */
export function acceptHook(
  server: Server,
  accept: (error: number, clientHandle: ClientHandle | undefined) => void,
): boolean {
  const handle = (server as unknown as { _handle?: ServerHandle })._handle;
  if (handle === undefined || typeof handle.onconnection !== 'function') return false;
  handle.onconnection = accept;
  return true;
}
