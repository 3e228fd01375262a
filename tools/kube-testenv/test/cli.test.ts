// `npm run testenv -- up|env|down|build`, run as real processes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ensureBinaries, kubeRequest } from '../src/index.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const cache = mkdtempSync(join(tmpdir(), 'alb-kube-testenv-cli-'));

function run(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function exports(out: string): Record<string, string> {
  return Object.fromEntries([...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
}

t.test('up, env, down', async (t) => {
  const bins = await ensureBinaries();
  // Its own cache root keeps the state file apart from a developer's running env; the binaries come from BIN_DIR.
  const env = { ...process.env, ALB_TESTENV_CACHE: cache, ALB_TESTENV_BIN_DIR: bins.dir };
  t.teardown(() => {
    run(env, 'down');
    rmSync(cache, { recursive: true, force: true });
  });

  const up = run(env, 'up', '--user', 'viewer:alb:viewers,other');
  t.equal(up.code, 0, up.err);
  const vars = exports(up.out);
  t.ok(existsSync(vars.KUBECONFIG!), 'KUBECONFIG names a file');
  t.equal(vars.ALB_TESTENV_KUBECONFIG, vars.KUBECONFIG);
  t.match(vars.ALB_TESTENV_SERVER, /^https:\/\/127\.0\.0\.1:\d+$/);
  const target = { server: vars.ALB_TESTENV_SERVER!, token: vars.ALB_TESTENV_TOKEN!, insecureSkipTlsVerify: true };
  t.equal((await kubeRequest(target, { path: '/api/v1/namespaces/default' })).status, 200, 'it serves');
  const viewerToken = /^# user viewer: token (\w+)$/m.exec(up.out)?.[1];
  const review = await kubeRequest(target, {
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    token: viewerToken!,
  });
  const userInfo = (review.json as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
  t.equal(userInfo.username, 'viewer');
  t.same(userInfo.groups.slice(0, 2), ['alb:viewers', 'other'], '--user NAME:GROUP,... (group names may hold colons)');

  t.same(exports(run(env, 'env').out), vars, '`env` prints the same');
  const again = run(env, 'up');
  t.equal(again.code, 0);
  t.match(again.err, /already running/);
  t.same(exports(again.out), vars);

  const down = run(env, 'down');
  t.equal(down.code, 0);
  t.match(down.err, /stopped/);
  t.notOk(existsSync(vars.KUBECONFIG!), 'its files are removed');
  await t.rejects(kubeRequest(target, { path: '/readyz', timeoutMs: 2000 }), 'nothing listens any more');
  const none = run(env, 'env');
  t.equal(none.code, 1);
  t.match(none.err, /ALB_TESTENV_NOT_RUNNING/);
});

t.test('build prints where the binaries are', async (t) => {
  const r = run(process.env, 'build');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /^kube-apiserver v1\.36\.\d+: \/.*kube-apiserver$/m);
  t.match(r.out, /^etcd v3\.\d+\.\d+: \/.*etcd$/m);
});

t.test('usage', async (t) => {
  t.equal(run(process.env, 'help').code, 0);
  const bad = run(process.env, 'frobnicate');
  t.equal(bad.code, 2);
  t.match(bad.err, /ALB_TESTENV_CLI_USAGE: unknown command frobnicate/);
  t.match(bad.err, /usage: npm run -s testenv/);
  t.equal(run(process.env, 'up', '--bogus').code, 2);
});
