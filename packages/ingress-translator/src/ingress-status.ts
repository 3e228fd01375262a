// Ingress `.status.loadBalancer` entries this ALB contributes (Alauda ALB: ingress/ingress_status.go).
import { isIP } from 'node:net';

export type IngressPortStatus = { port: number; protocol: 'TCP' };
export type IngressLoadBalancerIngress = { ip?: string; hostname?: string; ports: IngressPortStatus[] };

/** What this ALB wants in one handled Ingress's status; the writer merges it with other controllers' entries. */
export type IngressStatus = {
  namespace: string;
  name: string;
  loadBalancer: { ingress: IngressLoadBalancerIngress[] };
};

/** One entry per ALB address (IPs first, then host names, as ALB), each listing the ports the Ingress is served on. */
export function ingressStatus(
  namespace: string,
  name: string,
  addresses: readonly string[],
  ports: readonly number[],
): IngressStatus {
  const portList = ports.map((port): IngressPortStatus => ({ port, protocol: 'TCP' }));
  const ips = addresses.filter((a) => isIP(a) !== 0);
  const hosts = addresses.filter((a) => isIP(a) === 0);
  const entries =
    ports.length === 0
      ? []
      : [
          ...ips.map((ip) => ({ ip, ports: portList.map((p) => ({ ...p })) })),
          ...hosts.map((hostname) => ({ hostname, ports: portList.map((p) => ({ ...p })) })),
        ];
  return { namespace, name, loadBalancer: { ingress: entries } };
}
