// Keeps the README, the pinned versions and the Go wrapper modules in sync.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { errorCodes, etcdVersion, kubernetesVersion } from '../src/index.ts';
import { findGo } from '../src/find-go.ts';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
const readme = read('../README.md');
const kubeMod = read('../go/kubernetes/go.mod');
const etcdMod = read('../go/etcd/go.mod');

t.test('every error code is documented, and only those', async (t) => {
  const documented = new Set(readme.match(/ALB_TESTENV_[A-Z_]+/g));
  const codes = Object.values(errorCodes);
  for (const code of codes) t.ok(documented.has(code), `${code} is in the README`);
  const envVars = new Set([
    'ALB_TESTENV_CACHE',
    'ALB_TESTENV_BIN_DIR',
    'ALB_TESTENV_GO',
    'ALB_TESTENV_USE_EXISTING_CLUSTER',
    'ALB_TESTENV_KUBECONFIG',
    'ALB_TESTENV_SERVER',
    'ALB_TESTENV_TOKEN',
  ]);
  for (const name of documented) {
    t.ok((codes as string[]).includes(name) || envVars.has(name), `${name} in the README is a code or a variable`);
  }
});

t.test('the wrapper modules pin versions.ts', async (t) => {
  t.match(kubeMod, new RegExp(`\\n\\tk8s\\.io/kubernetes ${kubernetesVersion.replaceAll('.', '\\.')}[ \\n]`));
  t.match(kubeMod, /\ntool k8s\.io\/kubernetes\/cmd\/kube-apiserver\n/);
  t.match(etcdMod, new RegExp(`\\n\\tgo\\.etcd\\.io/etcd/server/v3 ${etcdVersion.replaceAll('.', '\\.')}[ \\n]`));
  t.match(etcdMod, /\ntool go\.etcd\.io\/etcd\/server\/v3\n/);
  const client = /\n\tgo\.etcd\.io\/etcd\/client\/v3 (\S+)/.exec(kubeMod)?.[1];
  t.equal(client, etcdVersion, 'etcd server = the etcd client kube-apiserver is built with');
  const staging = `v0.${kubernetesVersion.slice(3)}`;
  const replaces = [...kubeMod.matchAll(/\n\t(k8s\.io\/\S+) => (\S+) (\S+)/g)];
  t.ok(replaces.length >= 25, `${replaces.length} staging replaces`);
  for (const [, from, to, version] of replaces) {
    t.equal(to, from, `${from} is replaced by its published module`);
    t.equal(version, staging, `${from} at ${staging}`);
  }
});

// Go is required by this package (it builds the API server), so a missing Go or an unreachable module proxy fails
// here with their own messages rather than passing unchecked.
t.test('every staging module k8s.io/kubernetes requires is replaced (reads its go.mod through go)', async (t) => {
  const go = await findGo();
  const info = JSON.parse(
    execFileSync(go, ['mod', 'download', '-json', `k8s.io/kubernetes@${kubernetesVersion}`], {
      cwd: new URL('../go/kubernetes/', import.meta.url),
      encoding: 'utf8',
      env: { ...process.env, GOWORK: 'off' },
    }),
  ) as { GoMod?: string; Error?: string };
  t.equal(info.Error, undefined, 'go mod download succeeded');
  t.ok(info.GoMod !== undefined && existsSync(info.GoMod), `the module's go.mod is at ${info.GoMod}`);
  const upstream = readFileSync(info.GoMod!, 'utf8');
  const required = new Set([...upstream.matchAll(/^\t(k8s\.io\/\S+) v0\.0\.0$/gm)].map((m) => m[1]));
  const stagingReplaced = [...upstream.matchAll(/\n\t(k8s\.io\/\S+) => \.\/staging\//g)].map((m) => m[1]!);
  t.ok(stagingReplaced.length >= 25, `${stagingReplaced.length} staging modules upstream`);
  const ours = new Set([...kubeMod.matchAll(/\n\t(k8s\.io\/\S+) => /g)].map((m) => m[1]));
  for (const mod of stagingReplaced.filter((m) => required.has(m))) t.ok(ours.has(mod), `${mod} replaced`);
});
