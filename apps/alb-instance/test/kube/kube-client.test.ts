// The instance's API client against a real kube-apiserver: one kept-alive connection for many requests.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import t from 'tap';
import { kubeEnv } from './kube-env.ts';

/** This process's established TCP connections to `port` (its socket fds matched against /proc/net/tcp{,6}). */
function connectionsTo(port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m !== null) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  let count = 0;
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6'])
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[2] remote address:port (hex), f[3] state (01 = ESTABLISHED), f[9] inode
      if (f.length < 10 || f[3] !== '01' || !inodes.has(f[9]!)) continue;
      if (parseInt(f[2]!.split(':')[1]!, 16) === port) count++;
    }
  return count;
}

t.test('requests share one kept-alive connection to the API server', { timeout: 300_000 }, async (t) => {
  const kube = await kubeEnv(t);
  const port = Number(new URL(kube.client.config.getCurrentCluster()!.server).port);
  const before = connectionsTo(port);
  for (let i = 0; i < 20; i++) {
    const response = await kube.client.request('GET', '/api/v1/namespaces/default');
    t.equal(response.status, 200, `request ${i + 1}`);
  }
  const opened = connectionsTo(port) - before;
  t.ok(opened <= 1, `20 sequential requests opened ${opened} connection(s) that stay open; want at most 1`);
});
