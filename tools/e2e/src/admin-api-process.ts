import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './instance-process.ts';

const main = new URL('../../../apps/admin-api/src/main.ts', import.meta.url).pathname;

export type AdminApiProcess = {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
};

/** Runs alb-admin-api (from source, through its real command line) and waits until /readyz answers 200. */
export async function startAdminApi(args: string[], teardown: (fn: () => unknown) => void): Promise<AdminApiProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=@alb/source', main, '--port', String(port), '--bind', '127.0.0.1', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (child.exitCode !== null || i > 600) throw new Error(`alb-admin-api not ready:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
