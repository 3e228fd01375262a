import { once } from 'node:events';
import { createServer } from 'node:net';
import { ensureBinaries, ensureControllerBinaries } from '@alb/kube-testenv';

/** The documentation-range address (RFC 5737) a test's own network namespace puts on its `lo`. */
export const namespaceAddress = '198.51.100.10';

/** Whether this process can bind `address` (it is on one of this network namespace's interfaces). */
export async function canBind(address: string): Promise<boolean> {
  const server = createServer();
  server.listen(0, address);
  try {
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

/**
 * Makes sure the calling test file runs in a network namespace of its own that has `namespaceAddress` on `lo`: if
 * the address is already here (the run was started in one) it returns and the file goes on; otherwise it replaces
 * this process (same pid, same stdout for TAP) with this same file run inside a new namespace (`unshare -n` as
 * root, `unshare -rn` otherwise). Everything the file starts (API server, controllers, operator, instance,
 * backends) then lives in that namespace: nothing can reach this machine's interfaces or leave it. The binaries are
 * built (or found in their cache) first, outside: building needs the Go module proxy, and the namespace has no
 * network.
 */
export async function runInNetworkNamespace(file: string, opts: { controllers?: boolean } = {}): Promise<void> {
  if (await canBind(namespaceAddress)) return;
  if (process.env.ALB_E2E_NETNS === '1')
    throw new Error(`in the test network namespace but ${namespaceAddress} is not on lo`);
  await ensureBinaries();
  if (opts.controllers) await ensureControllerBinaries();
  const unshare = process.getuid?.() === 0 ? '-n' : '-rn';
  const setup = `ip link set lo up && ip addr add ${namespaceAddress}/32 dev lo && exec "$@"`;
  const node = [process.execPath, ...process.execArgv, file, ...process.argv.slice(2)];
  process.execve!('/usr/bin/env', ['/usr/bin/env', 'unshare', unshare, 'sh', '-c', setup, 'sh', ...node], {
    ...process.env,
    ALB_E2E_NETNS: '1',
  });
}
