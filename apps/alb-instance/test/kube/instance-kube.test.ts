// An instance in kube mode, in process, against a real kube-apiserver: what the data plane refuses reaches the
// Rule's status (Accepted=False), not only the build's own findings.
import { pino } from 'pino';
import t from 'tap';
import { parseOptions } from '../../src/cli-options.ts';
import { startInstance } from '../../src/instance.ts';
import { eventually, freePort, get } from '../helpers.ts';
import { createAlbAndFrontend, freshNamespace, installCrds, kubeEnv, must } from './kube-env.ts';

type Condition = { type: string; status: string; reason: string; message: string };

t.test('a Rule the data plane refuses gets Accepted=False; the others are served', { timeout: 300_000 }, async (t) => {
  const kube = await kubeEnv(t);
  await installCrds(kube.env);
  const ns = await freshNamespace(kube.env);
  const port = await freePort();
  const { ruleLabels: labels } = await createAlbAndFrontend(kube.env, ns, port);
  const rule = (name: string, extra: Record<string, unknown> = {}) =>
    must(kube.env, 'POST', `/apis/crd.alauda.io/v1/namespaces/${ns}/rules`, {
      apiVersion: 'crd.alauda.io/v1',
      kind: 'Rule',
      metadata: { name, namespace: ns, labels },
      spec: { priority: 5, dslx: [{ type: 'URL', values: [['STARTS_WITH', `/${name}`]] }], ...extra },
    });
  await rule('good', { redirectURL: 'http://example.com/', redirectCode: 302 });
  // Valid for the schema and the builder; the data plane's linear-time regex engine has no backreferences.
  await rule('bad', { rewrite_base: '(a)\\1', rewrite_target: '/x', redirectURL: 'http://example.com/' });

  const options = parseOptions([
    ...['--source', 'kube', '--kubeconfig', kube.env.kubeconfigPath, '--alb', 'alb', '--namespace', ns],
    ...['--bind', '127.0.0.1', '--ops-port', '0', '--workers', '1', '--drain-timeout', '0'],
  ]);
  const instance = await startInstance(options, pino({ level: 'silent' }));
  t.teardown(() => instance.shutdown());
  t.equal((await get(port, '/good')).status, 302, 'the good rule is served');

  const accepted = async (name: string) =>
    (
      (
        await must<{ status?: { conditions?: Condition[] } }>(
          kube.env,
          'GET',
          `/apis/crd.alauda.io/v1/namespaces/${ns}/rules/${name}`,
        )
      ).status?.conditions ?? []
    ).find((c) => c.type === 'Accepted');
  const bad = await eventually(
    () => accepted('bad'),
    (c) => c !== undefined,
    30_000,
  );
  t.match(bad, { status: 'False', reason: 'InvalidSpec', message: /rewrite\.base: port \d+: backreferences/ });
  t.match(
    await eventually(
      () => accepted('good'),
      (c) => c !== undefined,
      30_000,
    ),
    { status: 'True' },
  );
});
