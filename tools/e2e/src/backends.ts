import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { yaml, type Manifest } from './cluster.ts';

/** An echo backend on `address` answering `<name>: <method> <url>`; closed after the test. */
export async function backend(t: Test, address: string, name: string): Promise<number> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(`${name}: ${req.method} ${req.url}`));
  });
  server.listen(0, address);
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** A Service `name` (port 80) in `default` with an EndpointSlice pointing at `address:port`. */
export function serviceFor(name: string, address: string, port: number): Manifest[] {
  return yaml(`apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec: { ports: [{ port: 80, targetPort: ${port} }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: ${name}-1, namespace: default, labels: { kubernetes.io/service-name: ${name} } }
addressType: IPv4
ports: [{ port: ${port} }]
endpoints: [{ addresses: [${address}] }]`);
}
