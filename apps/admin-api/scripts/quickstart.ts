// `npm start`'s admin API: run by apps/alb-instance/scripts/quickstart.ts on the quickstart directory. Generates a
// demo admin token (a fresh random one each start, in a temporary token file, never written to the repository),
// starts the bundled admin API and tells its parent the URL and token over the IPC channel.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { dir: { type: 'string' }, port: { type: 'string', default: '8081' } } });
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const tell = (message: object) => process.send?.(message);
if (values.dir === undefined || !existsSync(main)) {
  tell({ error: existsSync(main) ? '--dir is required' : 'apps/admin-api is not built (npm run build)' });
  process.exit(1);
}
const secrets = mkdtempSync(join(tmpdir(), 'alb-quickstart-admin-'));
const token = randomBytes(24).toString('hex');
writeFileSync(join(secrets, 'tokens.csv'), `${token},demo-admin,demo-admin,"alb:admins"\n`, { mode: 0o600 });
const url = `http://127.0.0.1:${values.port}/`;
const api = spawn(
  process.execPath,
  [
    main,
    '--source',
    'file',
    '--dir',
    values.dir,
    '--tokens',
    join(secrets, 'tokens.csv'),
    '--port',
    values.port,
    '--log-level',
    'warn',
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
const cleanUp = () => rmSync(secrets, { recursive: true, force: true });
const stop = () => api.kill('SIGTERM');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
api.on('exit', (code) => {
  cleanUp();
  process.exit(code ?? 0);
});
for (let i = 0; i < 200 && api.exitCode === null; i++) {
  const ready = await fetch(`${url}readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ready) {
    tell({ url, token });
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
