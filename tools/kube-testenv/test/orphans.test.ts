// Children must not outlive the test process, however it ends.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ensureBinaries } from '../src/index.ts';
import { processAlive } from '../src/process-alive.ts';

const fixture = fileURLToPath(new URL('./fixtures/start-and-hang.ts', import.meta.url));

type Started = { pids: { apiserver: number; etcd: number }; ports: Record<string, number>; dir: string };

async function startChild(): Promise<{ pid: number; started: Started }> {
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fixture exited (${code}) before starting`)));
  });
  return { pid: child.pid!, started: JSON.parse(line) as Started };
}

async function gone(started: Started, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!processAlive(started.pids.apiserver) && !processAlive(started.pids.etcd) && !existsSync(started.dir)) {
      return true;
    }
    await sleep(100);
  }
  return false;
}

t.before(() => ensureBinaries()); // build (once) here, not in the children

t.test('SIGKILL of the parent: the watchdog stops etcd and kube-apiserver and removes the temp dir', async (t) => {
  const { pid, started } = await startChild();
  t.ok(processAlive(started.pids.apiserver) && processAlive(started.pids.etcd));
  process.kill(pid, 'SIGKILL');
  t.ok(await gone(started, 20_000), 'all gone');
});

t.test('process.exit() without stop(): the exit hook kills them at once', async (t) => {
  const script = `
    import { startTestEnv } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
    const env = await startTestEnv({ log: () => {} });
    console.log(JSON.stringify({ pids: env.pids, ports: env.ports, dir: env.dir }));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const started = JSON.parse(r.stdout) as Started;
  t.ok(await gone(started, 5_000), 'all gone');
});
