import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

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
 * the address is already here (the run was started in one) it returns false and the file goes on; otherwise it runs
 * this same file again inside a new one (`unshare -n` as root, `unshare -rn` otherwise), its TAP output passed
 * through, and returns true: the caller exits with `process.exitCode`, which is the child's status. Everything the
 * file starts (API server, controllers, operator, instance, backends) then lives in that namespace: nothing can
 * reach this machine's interfaces or leave it.
 */
export async function reexecInNetworkNamespace(file: string): Promise<boolean> {
  if (await canBind(namespaceAddress)) return false;
  if (process.env.ALB_E2E_NETNS === '1')
    throw new Error(`in the test network namespace but ${namespaceAddress} is not on lo`);
  const unshare = process.getuid?.() === 0 ? ['-n'] : ['-rn'];
  const setup = `ip link set lo up && ip addr add ${namespaceAddress}/32 dev lo && exec "$@"`;
  const result = spawnSync(
    'unshare',
    [...unshare, 'sh', '-c', setup, 'sh', process.execPath, ...process.execArgv, file, ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, ALB_E2E_NETNS: '1' } },
  );
  if (result.error) throw new Error(`could not create a network namespace (unshare): ${result.error.message}`);
  process.exitCode = result.status ?? 1;
  return true;
}
