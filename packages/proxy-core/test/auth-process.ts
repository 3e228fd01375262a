import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

/** Runs a test fixture server in its own process (node, same flags) and returns the port it prints. */
export async function startFixtureProcess(t: Test, fixture: string): Promise<{ port: number; kill(): Promise<void> }> {
  const script = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      const line = text.indexOf('\n');
      if (line !== -1) resolve(Number(text.slice(0, line)));
    });
    child.once('exit', (code) => reject(new Error(`${fixture} exited with ${code}`)));
  });
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  t.teardown(kill);
  return { port, kill };
}
