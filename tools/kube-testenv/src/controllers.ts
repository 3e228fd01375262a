// The opt-in controllers of a local test env: kube-controller-manager (Deployments -> ReplicaSets -> Pods, garbage
// collection, EndpointSlices, ServiceAccounts, namespace deletion), kube-scheduler, and KWOK with fake Nodes, so
// Pods get scheduled and become Running/Ready with IPs, without kubelets or containers.
import { join } from 'node:path';
import type { ControllerBinaries } from './ensure-controller-binaries.ts';
import { kubeRequest, type KubeTarget } from './kube-request.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

export type ControllersOptions = {
  /** Fake Nodes `kwok-node-0`... (default 3), with InternalIPs 192.0.2.10, .11, ... (TEST-NET-1: never routed). */
  nodes?: number;
};

/** The annotation KWOK is told to manage Nodes by. */
export const fakeNodeAnnotation = 'kwok.x-k8s.io/node';

export type ControllerProcesses = { controllerManager: ServerProcess; scheduler: ServerProcess; kwok: ServerProcess };

/** Starts the three processes against the API server; their logs go to `dir`. Does not wait for them. */
export function startControllers(o: {
  binaries: ControllerBinaries;
  kubeconfig: string;
  dir: string;
  saKey: string;
  rootCa: string;
  extra?: { controllerManager?: readonly string[]; scheduler?: readonly string[] };
}): ControllerProcesses {
  const controllerManager = startServerProcess(
    'kube-controller-manager',
    o.binaries.kubeControllerManager,
    [
      `--kubeconfig=${o.kubeconfig}`,
      // No serving port (nothing scrapes it), one process (no election), the admin's credentials for every loop.
      '--secure-port=0',
      '--leader-elect=false',
      '--controllers=*',
      '--use-service-account-credentials=false',
      `--service-account-private-key-file=${o.saKey}`,
      `--root-ca-file=${o.rootCa}`,
      // Kept inside the env's dir: by default it creates /usr/libexec/kubernetes/... on the machine.
      `--flex-volume-plugin-dir=${join(o.dir, 'flexvolume')}`,
      ...(o.extra?.controllerManager ?? []),
    ],
    join(o.dir, 'kube-controller-manager.log'),
  );
  const scheduler = startServerProcess(
    'kube-scheduler',
    o.binaries.kubeScheduler,
    [`--kubeconfig=${o.kubeconfig}`, '--secure-port=0', '--leader-elect=false', ...(o.extra?.scheduler ?? [])],
    join(o.dir, 'kube-scheduler.log'),
  );
  const kwok = startServerProcess(
    'kwok',
    o.binaries.kwok,
    [
      `--kubeconfig=${o.kubeconfig}`,
      `--config=${o.binaries.kwokStages}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${fakeNodeAnnotation}=fake`,
      '--cidr=10.244.0.0/16',
      '--node-ip=192.0.2.1',
      // KWOK renews each fake Node's Lease: the node lifecycle controller sees live nodes.
      '--node-lease-duration-seconds=40',
    ],
    join(o.dir, 'kwok.log'),
  );
  return { controllerManager, scheduler, kwok };
}

export function fakeNodeName(index: number): string {
  return `kwok-node-${index}`;
}

/** A Node object KWOK manages: Ready once KWOK has seen it, with the addresses it is created with. */
export function fakeNode(index: number): object {
  const name = fakeNodeName(index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
      annotations: { [fakeNodeAnnotation]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: `192.0.2.${10 + index}` },
        { type: 'Hostname', address: name },
      ],
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
    },
  };
}

/** Creates the fake Nodes (an existing one is kept) and resolves when KWOK has made every one Ready. */
export async function createFakeNodes(
  target: KubeTarget,
  count: number,
  until: (what: string, ready: () => Promise<boolean>) => Promise<void>,
): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await kubeRequest(target, { method: 'POST', path: '/api/v1/nodes', body: fakeNode(i) });
    if (res.status !== 201 && res.status !== 409)
      throw new Error(`creating Node ${fakeNodeName(i)}: ${res.status} ${res.text}`);
    names.push(fakeNodeName(i));
  }
  await until('the fake Nodes to be Ready', async () => {
    const res = await kubeRequest(target, { path: '/api/v1/nodes' });
    if (res.status !== 200) return false;
    const items = (
      res.json as {
        items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } }>;
      }
    ).items;
    return names.every((name) =>
      items.some(
        (n) => n.metadata.name === name && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ),
    );
  });
  return names;
}
