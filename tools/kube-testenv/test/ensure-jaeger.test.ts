// How ensureJaeger finds a cached Jaeger, and what it says when it would have to build one without Go. The build
// itself runs in apps/alb-instance's pretest step (test/jaeger.test.ts uses the result).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ensureJaeger, errorCodes, jaegerVersion, resolveJaegerCacheDir } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'alb-jaeger-test-'));
t.teardown(() => rmSync(scratch, { recursive: true, force: true }));

/** A cache root whose jaeger prints `jaeger version`'s JSON with `gitVersion`. */
function cacheWith(name: string, gitVersion: string): string {
  const root = join(scratch, name);
  const dir = join(root, jaegerVersion);
  mkdirSync(dir, { recursive: true });
  const info = JSON.stringify({ gitCommit: '', gitVersion, buildDate: '' });
  writeFileSync(join(dir, 'jaeger'), `#!/bin/sh\n[ "$1" = version ] && echo '${info}'\n`);
  chmodSync(join(dir, 'jaeger'), 0o755);
  return root;
}

// No Go at all: a missing ALB_TESTENV_GO is an error before PATH or the fallbacks are looked at.
const noGo = { PATH: '', ALB_TESTENV_GO: join(scratch, 'missing-go') };

t.test('a cached jaeger reporting the pinned version is used without Go', async (t) => {
  const root = cacheWith('good', jaegerVersion);
  t.same(await ensureJaeger({ env: noGo, cacheDir: root, log: () => {} }), {
    path: join(root, jaegerVersion, 'jaeger'),
    source: 'cache',
    version: jaegerVersion,
  });
});

t.test('a cached jaeger of another version is rebuilt: without Go, an error that names Jaeger', async (t) => {
  const root = cacheWith('stale', 'v1.75.0');
  await t.rejects(ensureJaeger({ env: noGo, cacheDir: root, log: () => {} }), {
    code: errorCodes.noGo,
    message: /^Jaeger v1\.76\.0 for the tracing test is built once with Go .*ALB_TESTENV_GO/,
  });
});

t.test('the cache root: ALB_JAEGER_CACHE, else ~/.cache/alb-jaeger', async (t) => {
  t.equal(resolveJaegerCacheDir({ HOME: '/home/x' }), '/home/x/.cache/alb-jaeger');
  t.equal(resolveJaegerCacheDir({ HOME: '/home/x', ALB_JAEGER_CACHE: '/c' }), '/c');
});
