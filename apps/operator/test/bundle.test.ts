// The command as installed: node_modules/.bin/alb-operator runs the bundle (the test target builds it first; before
// a build it runs the source, which tools/repo-checks tests on a fresh clone).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const bin = fileURLToPath(new URL('../../../node_modules/.bin/alb-operator', import.meta.url));

t.test('the bundle exists and the launcher runs it', async (t) => {
  t.ok(existsSync(new URL('../dist/main.js', import.meta.url)), 'dist/main.js (npm run build)');
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(
    help.stdout,
    /alb-operator \[--kubeconfig <file>\] \[--namespace <ns>\] \[--image <instance image>\] \[--ops-port <port>\]/,
  );
  const bad = spawnSync(bin, ['--ops-port', 'x'], { encoding: 'utf8' });
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--ops-port must be a number, got x \[ALB_OPERATOR_USAGE\]/);
});

t.test('without a cluster it says why and exits 1', async (t) => {
  const run = spawnSync(bin, ['--kubeconfig', '/nonexistent/kubeconfig', '--ops-port', '0'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  t.equal(run.status, 1);
  t.match(run.stdout, /could not start/);
});
