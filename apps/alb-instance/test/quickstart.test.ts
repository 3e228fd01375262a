// `npm start`'s part after the build: the quickstart runs, and each curl command it prints answers what it says.
import { execSync, spawn } from 'node:child_process';
import t from 'tap';

t.test('the quickstart answers its own printed curl commands', { timeout: 60_000 }, async (t) => {
  const script = new URL('../scripts/quickstart.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.kill('SIGTERM'));
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 300 && !out.includes('Press Ctrl-C to stop.'); i++) await new Promise((r) => setTimeout(r, 100));
  t.match(out, /Press Ctrl-C to stop\./, 'the quickstart started');
  const tries = [...out.matchAll(/^ {2}(curl .*?)\s+# -> (.*)$/gm)].map((m) => ({ command: m[1]!, answer: m[2]! }));
  t.equal(tries.length, 11, 'eleven commands printed (two of them https, with SNI and HTTP/2)');
  for (const { command, answer } of tries) {
    t.equal(execSync(command, { encoding: 'utf8', shell: '/bin/sh' }).trim(), answer, command);
  }
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  t.equal(code, 0, 'stops cleanly on SIGTERM');
});
