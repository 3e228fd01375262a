// The operator end to end, on a control plane that runs Deployments (kube-testenv with controllers: a real
// kube-controller-manager and kube-scheduler, KWOK fake nodes), in a network namespace of its own:
// `kubectl apply -k deploy/` -> an ALB2 -> its Deployment rolls out, Pods Ready, status Running with an address;
// the samples' ALB2 and Rule route a real request through a real alb-instance run with the arguments and the
// ServiceAccount the operator rendered; edits of replicas and networkMode are reflected; an invalid ALB2 is
// Degraded with an Event and nothing else moves; a killed leader is replaced and the new one writes nothing;
// a new --image rolls every ALB; a deleted ALB2 leaves nothing behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderKubeconfig, setupTestEnv, type TestEnv } from '@alb/kube-testenv';
import t, { type Test } from 'tap';
import { backend, serviceFor } from '../src/backends.ts';
import { apply } from '../src/cluster.ts';
import { freePort, httpGet } from '../src/instance-process.ts';
import { apiWrites as writes, operatorMetrics } from '../src/operator-metrics.ts';
import { backendAddress } from '../src/test-netns.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const operatorMain = join(root, 'apps/operator/src/main.ts');
const instanceMain = join(root, 'apps/alb-instance/src/main.ts');

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
};
type Alb2Status = {
  state?: string;
  reason?: string;
  observedGeneration?: number;
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  detail?: { address?: { ok: boolean; ipv4: string[]; msg: string }; version?: { version: string } };
};

/** Polls `check` until it returns a value (not undefined), failing with the last observation after `timeoutMs`. */
async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined> | T | null | undefined,
  timeoutMs = 90_000,
  context: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\n${context()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function kubectlFor(env: TestEnv) {
  const bin = env.controllers!.kubectl;
  const run = (args: string[], input?: string) => {
    const result = spawnSync(bin, args, {
      cwd: root,
      input,
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: env.kubeconfigPath },
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr || result.error}`);
    return result.stdout;
  };
  return {
    run,
    get: (kind: string, name: string, namespace?: string): Obj | null => {
      const result = spawnSync(bin, ['get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', 'json'], {
        encoding: 'utf8',
        env: { ...process.env, KUBECONFIG: env.kubeconfigPath },
      });
      if (result.status !== 0) {
        if (/NotFound|not found/.test(result.stderr)) return null;
        throw new Error(`kubectl get ${kind} ${name}: ${result.stderr}`);
      }
      return JSON.parse(result.stdout) as Obj;
    },
    list: (kind: string, namespace: string, selector?: string): Obj[] =>
      (
        JSON.parse(run(['get', kind, '-n', namespace, ...(selector ? ['-l', selector] : []), '-o', 'json'])) as {
          items: Obj[];
        }
      ).items,
    applyYaml: (text: string) => run(['apply', '-f', '-'], text),
    /** `kubectl patch alb2` with a merge patch, or a JSON patch when `patch` is a list. */
    patchAlb: (name: string, namespace: string, patch: object) =>
      run([
        'patch',
        'alb2',
        name,
        '-n',
        namespace,
        '--type',
        Array.isArray(patch) ? 'json' : 'merge',
        '-p',
        JSON.stringify(patch),
      ]),
  };
}

/** A kubeconfig for a ServiceAccount, with a token from the TokenRequest API (what a Pod would mount). */
function serviceAccountKubeconfig(env: TestEnv, kubectl: ReturnType<typeof kubectlFor>, ns: string, sa: string) {
  const token = kubectl.run(['create', 'token', sa, '-n', ns, '--duration', '2h']).trim();
  const path = join(env.dir!, `${ns}-${sa}.kubeconfig`);
  writeFileSync(path, renderKubeconfig({ server: env.server, token, ...(env.caData && { caData: env.caData }) }));
  return path;
}

type Operator = { name: string; child: ChildProcess; opsPort: number; output: () => string };

async function startOperator(t: Test, kubeconfig: string, name: string, extra: string[] = []): Promise<Operator> {
  const opsPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--conditions=@alb/source',
      operatorMain,
      '--kubeconfig',
      kubeconfig,
      '--ops-port',
      String(opsPort),
      '--ops-bind',
      '127.0.0.1',
      // Short lease timings keep the failover step short; the defaults are 15 / 10 / 2 s.
      '--lease-duration',
      '6',
      '--renew-deadline',
      '4',
      '--retry-period',
      '1',
      '--log-level',
      process.env.OPDEV ? 'debug' : 'info',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, POD_NAMESPACE: 'alb-system', POD_NAME: name } },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  t.teardown(() => {
    if (process.env.OPDEV) writeFileSync(`/tmp/opdev/${name}.log`, output);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await until(`operator ${name} ready`, async () => {
    if (child.exitCode !== null) throw new Error(`operator ${name} exited:\n${output.slice(-3000)}`);
    return (await httpGet(opsPort, '/readyz')).status === 200 ? true : undefined;
  });
  return { name, child, opsPort, output: () => output };
}

const metrics = (op: Operator) => operatorMetrics(op.opsPort);

const status = (o: Obj | null) => (o?.status ?? {}) as Alb2Status;
const condition = (o: Obj | null, type: string) => status(o).conditions?.find((c) => c.type === type);

t.test('alb-operator on a control plane that runs Deployments', { timeout: 900_000 }, async (main) => {
  const t = main;
  // Inside the test network namespace (src/in-netns.ts): the backend and the instance listen on this address.
  const namespaceAddress = backendAddress();
  const env = await setupTestEnv(t, { controllers: { nodes: 3 } });
  const kubectl = kubectlFor(env);

  // ---- Install exactly as the README says.
  kubectl.run(['apply', '-k', 'deploy/']);
  kubectl.run(['wait', '--for', 'condition=Established', '--timeout', '60s', 'crd', '--all']);
  kubectl.run(['rollout', 'status', 'deployment/alb-operator', '-n', 'alb-system', '--timeout', '120s']);
  t.pass('kubectl apply -k deploy/ installed the CRDs and the operator; its Deployment rolled out (on KWOK nodes)');

  // KWOK runs no containers: the operators run here, as real processes, with the ServiceAccount deploy/ made.
  const operatorKubeconfig = serviceAccountKubeconfig(env, kubectl, 'alb-system', 'alb-operator');
  const operators = [
    await startOperator(t, operatorKubeconfig, 'op-a'),
    await startOperator(t, operatorKubeconfig, 'op-b'),
  ];
  const leaderOf = async (ops: Operator[]) => {
    const flags = await Promise.all(ops.map(async (op) => (await metrics(op))['alb_operator_leader']));
    const leaders = ops.filter((_, i) => flags[i] === 1);
    return leaders.length === 1 ? leaders[0] : undefined;
  };
  let leader = await until('one operator leading', () => leaderOf(operators));

  await t.test('the samples: an ALB2 and a Rule route a request (the README path)', async (t) => {
    const hello = await backend(t, namespaceAddress, 'hello');
    await apply(env, ...serviceFor('hello', namespaceAddress, hello));
    kubectl.run(['apply', '-k', 'deploy/samples/']);
    const alb = await until('alb-demo Running with an address', () => {
      const alb = kubectl.get('alb2', 'alb-demo', 'alb-system');
      return status(alb).state === 'Running' && status(alb).detail?.address?.ok ? alb : undefined;
    });
    t.match(status(alb).detail?.address?.ipv4, [/^192\.0\.2\.\d+$/], 'the address of the node it runs on');
    t.equal(condition(alb, 'Ready')?.status, 'True');
    const deployment = kubectl.get('deployment', 'alb-demo', 'alb-system')!;
    const container = (deployment.spec as { template: { spec: { containers: Array<{ args: string[] }> } } }).template
      .spec.containers[0]!;
    t.same(container.args.slice(0, 6), ['--source', 'kube', '--alb', 'alb-demo', '--namespace', 'alb-system']);

    // The instance as its Pod would run it: the rendered arguments, the rendered ServiceAccount's token.
    const kubeconfig = serviceAccountKubeconfig(env, kubectl, 'alb-system', 'alb-demo-serviceaccount');
    const instance = spawn(
      process.execPath,
      ['--conditions=@alb/source', instanceMain, ...container.args, '--kubeconfig', kubeconfig],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, POD_NAME: 'alb-demo-0' },
      },
    );
    let output = '';
    instance.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    instance.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    t.teardown(() => {
      if (instance.exitCode === null) instance.kill('SIGKILL');
    });
    const opsPort = Number(container.args[container.args.indexOf('--ops-port') + 1]);
    const reply = await until('a routed request', async () => {
      if (instance.exitCode !== null) throw new Error(`alb-instance exited:\n${output.slice(-3000)}`);
      const r = await httpGet(8080, '/hello/world', { host: namespaceAddress });
      return r.status === 200 ? r : undefined;
    });
    t.equal(reply.body, 'hello: GET /hello/world', 'Frontend 8080 -> Rule /hello -> Service hello');
    await until('its ops port, the rendered one', async () =>
      (await httpGet(opsPort, '/readyz')).status === 200 ? true : undefined,
    );
    const lease = kubectl.get('lease', 'alb-demo', 'alb-system');
    t.match(lease?.spec, { holderIdentity: /^alb-system\/alb-demo\/alb-demo-0/ }, 'it holds its Lease (leader rights)');
    const rule = await until('the Rule status written by the instance', () => {
      const r = kubectl.get('rule', 'alb-demo-08080-hello', 'alb-system');
      return r?.status ? r : undefined;
    });
    t.match(rule.status, { conditions: [{ type: 'Accepted', status: 'True' }] });
    t.notMatch(output, /\b403\b|forbidden/i, 'no request of the instance was forbidden');
    instance.kill('SIGTERM');
    await once(instance, 'exit');
  });

  await t.test('an ALB2 rolls out; replicas and networkMode edits are reflected', async (t) => {
    kubectl.run(['create', 'namespace', 'team-a']);
    kubectl.applyYaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: alb-a, namespace: team-a }
spec: { type: nginx, config: { networkMode: host, replicas: 2, antiAffinityKey: team-a, metricsPort: 11936, projects: [p1] } }`);
    let alb = await until('alb-a Running on two nodes', () => {
      const alb = kubectl.get('alb2', 'alb-a', 'team-a');
      return status(alb).state === 'Running' && status(alb).detail?.address?.ipv4.length === 2 ? alb : undefined;
    });
    t.equal(status(alb).observedGeneration, alb.metadata.generation);
    t.equal(alb.metadata.labels?.['project.cpaas.io/p1'], 'true', 'project label on the ALB2');
    t.ok(alb.metadata.finalizers?.includes('alb.cpaas.io/operator-cleanup'), 'finalizer on the ALB2');
    const pods = kubectl.list('pods', 'team-a', 'service_name=alb2-alb-a');
    t.equal(pods.length, 2);
    for (const pod of pods) {
      t.match(pod.status, { phase: 'Running', conditions: [{}, { type: 'Ready', status: 'True' }] });
      t.equal((pod.spec as { hostNetwork?: boolean }).hostNetwork, true);
    }
    for (const [kind, name, ns] of [
      ['serviceaccount', 'alb-a-serviceaccount', 'team-a'],
      ['rolebinding', 'alb-a-alb-instance-leader', 'team-a'],
      ['clusterrolebinding', 'alb-instance:team-a:alb-a', undefined],
      ['service', 'alb-a', 'team-a'],
      ['ingressclass', 'alb-a', undefined],
    ] as const)
      t.ok(kubectl.get(kind, name, ns), `${kind} ${name}`);

    kubectl.patchAlb('alb-a', 'team-a', { spec: { config: { replicas: 3, networkMode: 'container' } } });
    alb = await until('alb-a Running in container mode with 3 replicas', () => {
      const alb = kubectl.get('alb2', 'alb-a', 'team-a');
      const d = kubectl.get('deployment', 'alb-a', 'team-a');
      const ready = (d?.status as { readyReplicas?: number; updatedReplicas?: number } | undefined) ?? {};
      return status(alb).state === 'Running' &&
        status(alb).observedGeneration === alb!.metadata.generation &&
        ready.readyReplicas === 3 &&
        ready.updatedReplicas === 3
        ? alb
        : undefined;
    });
    const podSpec = (
      kubectl.get('deployment', 'alb-a', 'team-a')!.spec as { template: { spec: { hostNetwork?: boolean } } }
    ).template.spec;
    t.notOk(podSpec.hostNetwork, 'pod network');
    const lb = kubectl.get('service', 'alb-a-lb', 'team-a')!;
    t.equal((lb.spec as { type: string }).type, 'NodePort', 'container mode without vip: a NodePort Service');
    t.same(
      (lb.spec as { ports: Array<{ port: number }> }).ports.map((p) => p.port),
      [80, 443],
      'the Ingress ports',
    );
    kubectl.applyYaml(`apiVersion: crd.alauda.io/v1
kind: Frontend
metadata: { name: alb-a-09000, namespace: team-a, labels: { alb2.cpaas.io/name: alb-a } }
spec: { port: 9000, protocol: tcp }`);
    const withFrontend = await until('the Frontend port on the Service', () => {
      const svc = kubectl.get('service', 'alb-a-lb', 'team-a');
      const ports = (svc?.spec as { ports: Array<{ name: string; port: number }> } | undefined)?.ports ?? [];
      return ports.some((p) => p.port === 9000) ? ports : undefined;
    });
    t.same(
      withFrontend.map((p) => p.name),
      ['tcp-80', 'tcp-443', 'tcp-9000'],
      'a Frontend adds its port',
    );

    kubectl.patchAlb('alb-a', 'team-a', { spec: { config: { vip: { enableLbSvc: true } } } });
    alb = await until('alb-a waiting for its load balancer', () => {
      const alb = kubectl.get('alb2', 'alb-a', 'team-a');
      return status(alb).reason === 'wait lb svc ready' ? alb : undefined;
    });
    t.equal(status(alb).state, 'Progressing');
    t.equal((kubectl.get('service', 'alb-a-lb', 'team-a')!.spec as { type: string }).type, 'LoadBalancer');
    // What a cloud's load-balancer controller would do:
    kubectl.run([
      'patch',
      'service',
      'alb-a-lb',
      '-n',
      'team-a',
      '--subresource',
      'status',
      '--type',
      'merge',
      '-p',
      '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"}]}}}',
    ]);
    alb = await until('alb-a Running at the load balancer', () => {
      const alb = kubectl.get('alb2', 'alb-a', 'team-a');
      return status(alb).state === 'Running' ? alb : undefined;
    });
    t.equal(status(alb).detail?.address?.msg, '203.0.113.7');
  });

  /** Everything the operator may write for an ALB2, by resourceVersion (the Deployment by generation). */
  const snapshot = (name: string, ns: string) => ({
    alb2: kubectl.get('alb2', name, ns)?.metadata.resourceVersion,
    sa: kubectl.get('serviceaccount', `${name}-serviceaccount`, ns)?.metadata.resourceVersion,
    rb: kubectl.get('rolebinding', `${name}-alb-instance-leader`, ns)?.metadata.resourceVersion,
    crb: kubectl.get('clusterrolebinding', `alb-instance:${ns}:${name}`)?.metadata.resourceVersion,
    svc: kubectl.get('service', name, ns)?.metadata.resourceVersion,
    ingressClass: kubectl.get('ingressclass', name)?.metadata.resourceVersion,
    deployment: kubectl.get('deployment', name, ns)?.metadata.generation,
  });

  await t.test('an invalid ALB2 is Degraded with an Event, and nothing else moves', async (t) => {
    const before = { a: snapshot('alb-a', 'team-a'), demo: snapshot('alb-demo', 'alb-system') };
    kubectl.run(['create', 'namespace', 'team-b']);
    kubectl.applyYaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: alb-b, namespace: team-b }
spec: { type: nginx, config: { resources: { limits: { cpu: lots } } } }`);
    const broken = await until('alb-b Degraded', () => {
      const alb = kubectl.get('alb2', 'alb-b', 'team-b');
      return condition(alb, 'Degraded')?.status === 'True' ? alb : undefined;
    });
    t.match(condition(broken, 'Degraded'), {
      reason: 'InvalidSpec',
      message: /spec\.config\.resources\.limits\.cpu: must be a quantity .*"lots" \[ALB_OPERATOR_INVALID_SPEC\]/,
    });
    t.equal(status(broken).state, 'Warning');
    const events = await until('a Warning Event on alb-b', () => {
      const list = kubectl
        .list('events', 'team-b')
        .filter((e) => (e.involvedObject as { name: string }).name === 'alb-b' && e.type === 'Warning');
      return list.length > 0 ? list : undefined;
    });
    t.match(events[0], { reason: 'InvalidSpec', message: /spec\.config\.resources\.limits\.cpu/ });
    t.equal(kubectl.get('deployment', 'alb-b', 'team-b'), null, 'nothing created for it');
    t.notOk(broken.metadata.finalizers?.length, 'not even our finalizer');

    // An existing ALB2 made invalid: Degraded, its running children untouched; fixed: back to Running.
    kubectl.patchAlb('alb-a', 'team-a', { spec: { config: { resources: { requests: { memory: '1 GB' } } } } });
    await until('alb-a Degraded', () =>
      condition(kubectl.get('alb2', 'alb-a', 'team-a'), 'Degraded')?.status === 'True' ? true : undefined,
    );
    const during = snapshot('alb-a', 'team-a');
    t.same({ ...during, alb2: undefined }, { ...before.a, alb2: undefined }, "alb-a's children untouched");
    t.same(snapshot('alb-demo', 'alb-system'), before.demo, 'the other ALB2 untouched');
    t.equal(kubectl.list('pods', 'team-a', 'service_name=alb2-alb-a').length, 3, 'its instances keep running');
    kubectl.patchAlb('alb-a', 'team-a', [{ op: 'remove', path: '/spec/config/resources' }]);
    await until('alb-a Running again', () => {
      const alb = kubectl.get('alb2', 'alb-a', 'team-a');
      return status(alb).state === 'Running' && condition(alb, 'Degraded')?.status === 'False' ? true : undefined;
    });
  });

  await t.test("a child's name taken by someone else's object: reported, that object left alone", async (t) => {
    kubectl.applyYaml(`apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: alb-c }
spec: { controller: example.com/other }`);
    const theirs = kubectl.get('ingressclass', 'alb-c')!;
    kubectl.applyYaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata: { name: alb-c, namespace: team-b }
spec: { type: nginx, config: { networkMode: container, replicas: 1 } }`);
    const alb = await until('alb-c Degraded by the taken name', () => {
      const alb = kubectl.get('alb2', 'alb-c', 'team-b');
      return condition(alb, 'Degraded')?.reason === 'NameTaken' ? alb : undefined;
    });
    t.match(condition(alb, 'Degraded')?.message, /IngressClass alb-c already exists and belongs to something else/);
    t.match(status(alb), { state: 'Warning', detail: { deploy: { state: 'Error' } } });
    t.ok(kubectl.get('deployment', 'alb-c', 'team-b'), 'the other children are applied');
    t.equal(
      kubectl.get('ingressclass', 'alb-c')!.metadata.resourceVersion,
      theirs.metadata.resourceVersion,
      'untouched',
    );
    kubectl.run(['delete', 'alb2', 'alb-c', '-n', 'team-b', '--wait=false']);
    await until('alb-c deleted', () => (kubectl.get('alb2', 'alb-c', 'team-b') ? undefined : true));
    t.ok(kubectl.get('ingressclass', 'alb-c'), 'and still there after the ALB2 is gone: it was never ours');
    kubectl.run(['delete', 'ingressclass', 'alb-c']);
  });

  await t.test('the leader dies: the standby takes over within its lease and writes nothing', async (t) => {
    const standby = operators.find((op) => op !== leader)!;
    t.equal(writes(await metrics(standby)), 0, 'a standby never writes');
    // Settled: the leader has nothing queued and its write count stands still.
    await until('the leader to settle', async () => {
      const a = await metrics(leader);
      await new Promise((r) => setTimeout(r, 1500));
      const b = await metrics(leader);
      return a['alb_operator_queue_depth'] === 0 && writes(a) === writes(b) ? true : undefined;
    });
    const albs = ['alb-demo/alb-system', 'alb-a/team-a', 'alb-b/team-b'].map((k) => k.split('/') as [string, string]);
    const before = Object.fromEntries(albs.map(([n, ns]) => [n, snapshot(n, ns)]));
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await once(leader.child, 'exit');
    // Bounded, not timed: a lease of 6 s, retries every 1-2.2 s; a slow machine may take longer, never forever.
    const next = await until(
      'the standby leading',
      async () => ((await metrics(standby))['alb_operator_leader'] === 1 ? standby : undefined),
      60_000,
    );
    t.comment(`took over ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the leader was killed (lease 6 s)`);
    await until('the new leader reconciled every ALB2', async () => {
      const m = await metrics(next);
      const done =
        (m['alb_operator_reconciles_total{result="ok"}'] ?? 0) +
        (m['alb_operator_reconciles_total{result="invalid"}'] ?? 0);
      return done >= albs.length && m['alb_operator_queue_depth'] === 0 ? true : undefined;
    });
    t.equal(writes(await metrics(next)), 0, 'no API write: everything was already right');
    t.same(Object.fromEntries(albs.map(([n, ns]) => [n, snapshot(n, ns)])), before, 'no object changed');
    leader = next;
  });

  await t.test('a new --image rolls every ALB', async (t) => {
    leader.child.kill('SIGTERM'); // releases the Lease
    await once(leader.child, 'exit');
    // Registered on the main test: it must outlive this step.
    const upgraded = await startOperator(main, operatorKubeconfig, 'op-c', ['--image', 'alb-instance:0.2.0']);
    for (const [name, ns] of [
      ['alb-demo', 'alb-system'],
      ['alb-a', 'team-a'],
    ] as const) {
      const alb = await until(`${name} rolled to 0.2.0`, () => {
        const alb = kubectl.get('alb2', name, ns);
        return status(alb).state === 'Running' && status(alb).detail?.version?.version === '0.2.0' ? alb : undefined;
      });
      t.ok(alb);
      const d = kubectl.get('deployment', name, ns)!;
      t.equal(
        (d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image,
        'alb-instance:0.2.0',
      );
    }
    t.equal(kubectl.get('deployment', 'alb-b', 'team-b'), null, 'the invalid ALB2 is still left alone');
    leader = upgraded;
  });

  await t.test('deleting an ALB2 deletes every child (garbage collection and the finalizer)', async (t) => {
    kubectl.run(['delete', 'alb2', 'alb-a', '-n', 'team-a', '--wait=false']);
    const logs = () => `operator log:\n${leader.output().slice(-6000)}`;
    await until(
      'alb-a gone (its finalizer removed)',
      () => (kubectl.get('alb2', 'alb-a', 'team-a') ? undefined : true),
      60_000,
      logs,
    );
    await until(
      'every child of alb-a gone',
      () => {
        const left = [
          ...[
            'deployments',
            'replicasets',
            'pods',
            'services',
            'serviceaccounts',
            'rolebindings',
            'configmaps',
          ].flatMap((kind) =>
            kubectl
              .list(kind, 'team-a', 'alb.cpaas.io/alb2-operator-albname=alb-a')
              .map((o) => `${kind}/${o.metadata.name}`),
          ),
          ...kubectl.list('pods', 'team-a').map((o) => `pods/${o.metadata.name}`),
          ...(kubectl.get('clusterrolebinding', 'alb-instance:team-a:alb-a') ? ['clusterrolebinding'] : []),
          ...(kubectl.get('ingressclass', 'alb-a') ? ['ingressclass'] : []),
        ];
        return left.length === 0 ? true : undefined;
      },
      90_000,
      logs,
    );
    t.equal(kubectl.get('alb2', 'alb-a', 'team-a'), null);
    t.ok(kubectl.get('deployment', 'alb-demo', 'alb-system'), 'the other ALB is still there');
    kubectl.run(['delete', 'alb2', 'alb-b', '-n', 'team-b', '--wait=true', '--timeout=30s']);
    t.equal(kubectl.get('alb2', 'alb-b', 'team-b'), null, 'an invalid ALB2 (no finalizer) deletes at once');
  });
});
