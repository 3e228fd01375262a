import type { KubeObject } from './kube-object.ts';

/** The parts of core/v1 Service the instance reads. */
export type ServiceObject = KubeObject & {
  spec?: {
    type?: string;
    externalName?: string;
    ports?: Array<{
      name?: string;
      port: number;
      targetPort?: number | string;
      protocol?: string;
      appProtocol?: string;
    }>;
  };
};

/** The parts of discovery.k8s.io/v1 EndpointSlice the instance reads. */
export type EndpointSliceObject = KubeObject & {
  addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  ports?: Array<{ name?: string | null; port?: number | null; protocol?: string }> | null;
  endpoints?: Array<{
    addresses: string[];
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  }> | null;
};

/** The label linking an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';
