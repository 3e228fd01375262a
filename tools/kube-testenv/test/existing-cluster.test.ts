// ALB_TESTENV_USE_EXISTING_CLUSTER=1: tests get a cluster named by a kubeconfig instead of a local one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { errorCodes, kubeRequest, startTestEnv, wantsExistingCluster } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'alb-kube-testenv-existing-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const kubeconfig = {
  apiVersion: 'v1',
  kind: 'Config',
  'current-context': 'b',
  contexts: [
    { name: 'a', context: { cluster: 'one', user: 'u1' } },
    { name: 'b', context: { cluster: 'two', user: 'u2' } },
  ],
  clusters: [
    { name: 'one', cluster: { server: 'https://one.invalid' } },
    { name: 'two', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0E=' } },
  ],
  users: [
    { name: 'u1', user: { token: 'nope' } },
    { name: 'u2', user: { 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5' } },
  ],
};

t.test('only the flag switches, not KUBECONFIG alone', async (t) => {
  t.notOk(wantsExistingCluster({ KUBECONFIG: '/some/where' }));
  t.ok(wantsExistingCluster({ ALB_TESTENV_USE_EXISTING_CLUSTER: '1' }));
  t.ok(wantsExistingCluster({ ALB_TESTENV_USE_EXISTING_CLUSTER: 'true' }));
  t.notOk(wantsExistingCluster({ ALB_TESTENV_USE_EXISTING_CLUSTER: '0' }));
});

t.test('a JSON kubeconfig: its current context', async (t) => {
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(kubeconfig));
  const env = await startTestEnv({ env: { ALB_TESTENV_USE_EXISTING_CLUSTER: '1', KUBECONFIG: `${path}:/other` } });
  const { stop, ...rest } = env;
  t.same(rest, {
    kind: 'existing',
    kubeconfigPath: path,
    server: 'https://127.0.0.1:6443',
    caData: 'Q0E=',
    insecureSkipTlsVerify: false,
    clientCertData: 'Y2VydA==',
    clientKeyData: 'a2V5',
    userTokens: {},
    versions: null,
    dir: null,
    ports: null,
    pids: null,
    logs: null,
  });
  await stop();
});

t.test('an unreadable kubeconfig says which and how to point at another', async (t) => {
  await t.rejects(
    startTestEnv({
      env: { ALB_TESTENV_USE_EXISTING_CLUSTER: '1', ALB_TESTENV_KUBECONFIG: join(dir, 'missing'), KUBECONFIG: '/x' },
    }),
    {
      code: errorCodes.existingCluster,
      message: /missing cannot be read \(set ALB_TESTENV_KUBECONFIG or KUBECONFIG\)/,
    },
  );
});

/** Why the kubectl test cannot run here, or false. kubectl is optional (only YAML kubeconfigs need it); CI has it. */
function noKubectl(): string | false {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'no kubectl on PATH (.ci/run installs Debian kubernetes-client)';
  }
}

t.test('a YAML kubeconfig of a live cluster, through kubectl', { skip: noKubectl() }, async (t) => {
  const local = await startTestEnv();
  t.teardown(() => local.stop());
  const existing = await startTestEnv({
    env: { ...process.env, ALB_TESTENV_USE_EXISTING_CLUSTER: '1', ALB_TESTENV_KUBECONFIG: local.kubeconfigPath },
  });
  t.equal(existing.kind, 'existing');
  t.equal(existing.server, local.server);
  t.equal(existing.token, local.token);
  t.equal(existing.caData, local.caData);
  t.equal((await kubeRequest(existing, { path: '/api/v1/namespaces/default' })).status, 200);
  await existing.stop();
  t.equal((await kubeRequest(local, { path: '/readyz' })).status, 200, "stop() leaves someone else's cluster alone");
});
