// What ensureBinaries says when it cannot build, and how it takes prebuilt binaries.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ensureBinaries, errorCodes, KubeTestEnvError } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'alb-kube-testenv-test-'));
t.teardown(() => import('node:fs').then((fs) => fs.rmSync(scratch, { recursive: true, force: true })));

/** An executable shell script at dir/name. */
function script(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const noBuild = { cacheDir: join(scratch, 'empty-cache'), log: () => {} };

t.test('no Go anywhere: a clear error naming both ways out', async (t) => {
  const err = await ensureBinaries({ ...noBuild, env: { PATH: join(scratch, 'no-such-dir') }, goFallbacks: [] }).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(err instanceof KubeTestEnvError);
  t.equal((err as KubeTestEnvError).code, errorCodes.noGo);
  t.match((err as Error).message, /No `go` was found on PATH/);
  t.match((err as Error).message, /Install Go 1\.24 or newer/);
  t.match((err as Error).message, /ALB_TESTENV_BIN_DIR/);
});

t.test('the default fallback is /usr/local/go/bin/go, and it can be replaced', async (t) => {
  await t.rejects(ensureBinaries({ ...noBuild, env: { PATH: '' }, goFallbacks: [join(scratch, 'nowhere', 'go')] }), {
    code: errorCodes.noGo,
    message: new RegExp(`nor at ${join(scratch, 'nowhere', 'go')}`),
  });
});

t.test('ALB_TESTENV_GO pointing at nothing', async (t) => {
  await t.rejects(ensureBinaries({ ...noBuild, env: { PATH: '', ALB_TESTENV_GO: join(scratch, 'missing-go') } }), {
    code: errorCodes.noGo,
    message: /ALB_TESTENV_GO/,
  });
});

t.test('a Go older than 1.24', async (t) => {
  const bin = join(scratch, 'old-go');
  script(bin, 'go', 'echo go1.22.5');
  await t.rejects(ensureBinaries({ ...noBuild, env: { PATH: bin }, goFallbacks: [] }), {
    code: errorCodes.goTooOld,
    message: /go1\.22\.5; Go 1\.24\+ is needed/,
  });
});

t.test('ALB_TESTENV_BIN_DIR: used as is, never built', async (t) => {
  const dir = join(scratch, 'prebuilt');
  script(dir, 'kube-apiserver', 'echo "Kubernetes v1.99.0"');
  script(dir, 'etcd', 'printf "etcd Version: 3.9.9\\nGit SHA: x\\n"');
  const bins = await ensureBinaries({ env: { PATH: '', ALB_TESTENV_BIN_DIR: dir } });
  t.same(bins, {
    kubeApiserver: join(dir, 'kube-apiserver'),
    etcd: join(dir, 'etcd'),
    dir,
    source: 'bin-dir',
    kubernetesVersion: 'v1.99.0',
    etcdVersion: 'v3.9.9',
  });
});

t.test('ALB_TESTENV_BIN_DIR without the binaries', async (t) => {
  const dir = join(scratch, 'half');
  script(dir, 'etcd', 'echo "etcd Version: 3.6.8"');
  await t.rejects(ensureBinaries({ env: { PATH: '', ALB_TESTENV_BIN_DIR: dir } }), {
    code: errorCodes.binDirInvalid,
    message: new RegExp(`${join(dir, 'kube-apiserver')} missing or not runnable`),
  });
});
