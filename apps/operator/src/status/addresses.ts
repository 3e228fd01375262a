import { isIPv4, isIPv6 } from 'node:net';

export type Addresses = { ok: boolean; msg: string; ipv4: string[]; ipv6: string[]; host: string[] };

export type PodView = {
  nodeName?: string;
  ready: boolean;
  deleting: boolean;
};

export type NodeView = {
  name: string;
  /** `status.addresses`: type (InternalIP, ExternalIP, Hostname, ...) and address. */
  addresses: ReadonlyArray<{ type: string; address: string }>;
};

export type LoadBalancerIngress = ReadonlyArray<{ ip?: string; hostname?: string }>;

/**
 * Where the ALB is reachable, as ALB's operator reports it in `status.detail.address`. Instances on the nodes (host
 * mode, and container mode behind a NodePort Service): the addresses of the nodes running a ready instance, their
 * ExternalIPs when they have any, else their InternalIPs. Behind a LoadBalancer Service: its ingress points.
 */
export function nodeAddresses(pods: readonly PodView[], nodes: ReadonlyMap<string, NodeView>): Addresses {
  const names = new Set<string>();
  for (const pod of pods) if (pod.ready && !pod.deleting && pod.nodeName) names.add(pod.nodeName);
  const ips: string[] = [];
  for (const name of [...names].sort()) {
    const node = nodes.get(name);
    if (node === undefined) continue;
    const external = node.addresses.filter((a) => a.type === 'ExternalIP').map((a) => a.address);
    const internal = node.addresses.filter((a) => a.type === 'InternalIP').map((a) => a.address);
    ips.push(...(external.length > 0 ? external : internal));
  }
  return collect(ips, []);
}

export function loadBalancerAddresses(ingress: LoadBalancerIngress): Addresses {
  return collect(
    ingress.flatMap((i) => (i.ip ? [i.ip] : [])),
    ingress.flatMap((i) => (i.hostname ? [i.hostname] : [])),
  );
}

function collect(ips: readonly string[], hosts: readonly string[]): Addresses {
  const ipv4 = unique(ips.filter((ip) => isIPv4(ip)));
  const ipv6 = unique(ips.filter((ip) => isIPv6(ip)));
  const host = unique([...hosts]);
  const all = [...ipv4, ...ipv6, ...host];
  return { ok: all.length > 0, msg: all.join(','), ipv4, ipv6, host };
}

function unique(list: string[]): string[] {
  return [...new Set(list)].sort();
}
