// A real nginx (Debian's nginx-light) for tests that compare with it or need a reference peer: one process, no
// daemon, everything it writes kept in a temporary directory removed at teardown.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { requireProgram } from './programs.ts';

/**
 * Starts nginx with `server` (one or more `server { ... }` blocks) inside its `http` block; `files` are written into
 * the nginx directory first (certificates) and may be named in `server` through the directory returned by `dir`.
 * The caller waits for the port: nginx reports no readiness.
 */
export function startNginx(t: Test, server: (dir: string) => string, files: Record<string, string> = {}): void {
  const dir = mkdtempSync(join(tmpdir(), 'alb-nginx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const temp = (name: string) => `${name} ${join(dir, name)};`;
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; master_process off; pid ${join(dir, 'nginx.pid')}; error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off; ${temp('client_body_temp_path')} ${temp('proxy_temp_path')} ${temp('fastcgi_temp_path')}
  ${temp('uwsgi_temp_path')} ${temp('scgi_temp_path')}
  ${server(dir)}
}
`,
  );
  const nginx = spawn(requireProgram('nginx', 'nginx-light'), ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: 'ignore',
  });
  t.teardown(() => nginx.kill('SIGKILL'));
}
