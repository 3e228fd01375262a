// The e2e tests run in a network namespace of their own. The API server refuses loopback addresses in
// EndpointSlices, so test backends need another address: the namespace's `lo` gets 198.51.100.10 (TEST-NET-2, a
// documentation range), backends listen there, EndpointSlices point there, and no traffic reaches or leaves this
// machine's own interfaces. `unshare -n` as root, `unshare -rn` (user + network namespace) otherwise.
import { spawnSync } from 'node:child_process';
import { ensureBinaries, wantsExistingCluster } from '@alb/kube-testenv';

/** The address test backends listen on, inside the test namespace only. */
export const netnsAddress = '198.51.100.10';

/** Set (to the address) in the environment of everything that runs inside the test namespace. */
const marker = 'ALB_E2E_NETNS';

const setup = `ip link set lo up && ip addr add ${netnsAddress}/32 dev lo`;

/** Whether this process runs inside the test namespace. */
export function insideTestNetns(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[marker] === netnsAddress;
}

/** The address for test backends and EndpointSlices; refuses to hand one out outside the test namespace. */
export function backendAddress(): string {
  if (!insideTestNetns()) {
    throw new Error(
      `the e2e tests run in a network namespace of their own, where ${netnsAddress} is on lo: run them with ` +
        '`npx nx run @alb/e2e:test`, or one file with `npm exec -w @alb/e2e -- node src/in-netns.ts tap test/<file>`',
    );
  }
  return netnsAddress;
}

/** The unshare flags that make a namespace here: tried in order, the first whose setup works wins. */
export function unshareCandidates(uid: number): string[][] {
  return uid === 0 ? [['-n'], ['-rn']] : [['-rn']];
}

/** The first working unshare flags, or an error saying what was tried and what is needed. */
export function chooseUnshare(uid: number, env: NodeJS.ProcessEnv = process.env): string[] {
  const failures: string[] = [];
  for (const flags of unshareCandidates(uid)) {
    const probe = spawnSync('unshare', [...flags, 'sh', '-c', setup], { encoding: 'utf8', timeout: 10_000, env });
    if (probe.status === 0) return flags;
    const why = probe.error?.message ?? (probe.stderr.trim() || `exit ${probe.status}`);
    failures.push(`  unshare ${flags.join(' ')} sh -c '${setup}': ${why}`);
  }
  throw new Error(
    `the e2e tests need a network namespace of their own and none could be made here:\n${failures.join('\n')}\n` +
      'They need unshare (util-linux) and ip (iproute2), and root or unprivileged user namespaces ' +
      '(kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0). They never fall back to this ' +
      "machine's own addresses.",
  );
}

/**
 * Replaces this process with `command` run inside a fresh test namespace. The API server's binaries are built
 * (or found in their cache) first, outside: building needs the Go module proxy, and the namespace has no network.
 */
export async function execInTestNetns(command: string[]): Promise<never> {
  if (insideTestNetns()) return process.execve!('/bin/sh', ['/bin/sh', '-c', 'exec "$@"', 'sh', ...command]);
  if (wantsExistingCluster()) {
    throw new Error(
      'ALB_TESTENV_USE_EXISTING_CLUSTER is set, but the e2e tests run in a network namespace of their own, ' +
        'which cannot reach another cluster: unset it (tools/kube-testenv tests existing clusters itself)',
    );
  }
  const flags = chooseUnshare(process.getuid?.() ?? 0);
  await ensureBinaries();
  const inner = `${setup} && exec "$@"`;
  return process.execve!(
    '/bin/sh',
    ['/bin/sh', '-c', 'exec unshare "$@"', 'sh', ...flags, 'sh', '-c', inner, 'sh', ...command],
    {
      ...process.env,
      [marker]: netnsAddress,
    },
  );
}
