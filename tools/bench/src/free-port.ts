import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** A loopback port nobody listens on right now (the kernel's pick; a small race before the user binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
