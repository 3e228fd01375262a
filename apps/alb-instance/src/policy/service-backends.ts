import type { ServiceGroup } from '@alb/crd-types';
import { spreadServiceWeights, type BackendGroupConfig, type WeightedService } from '@alb/proxy-core';
import { serviceNameLabel, type EndpointSliceObject, type ServiceObject } from '../objects/core-types.ts';
import { diagnosticCodes, type Diagnostic } from '../diagnostics.ts';
import type { Snapshot } from '../objects/object-store.ts';

/** Services and their EndpointSlices, indexed once per rebuild. */
export class ServiceIndex {
  private readonly services = new Map<string, ServiceObject>();
  private readonly slices = new Map<string, EndpointSliceObject[]>();
  /** Endpoints by `namespace/service:port`: thousands of rules often share a few Services. */
  private readonly resolved = new Map<string, Array<{ address: string; port: number }>>();

  constructor(snapshot: Snapshot) {
    for (const service of (snapshot.get('Service') ?? []) as ServiceObject[]) {
      this.services.set(`${service.metadata.namespace}/${service.metadata.name}`, service);
    }
    for (const slice of (snapshot.get('EndpointSlice') ?? []) as EndpointSliceObject[]) {
      const serviceName = slice.metadata.labels?.[serviceNameLabel];
      if (serviceName === undefined) continue;
      const key = `${slice.metadata.namespace}/${serviceName}`;
      let list = this.slices.get(key);
      if (list === undefined) this.slices.set(key, (list = []));
      list.push(slice);
    }
  }

  /**
   * A ServiceGroup as a backend group, resolved as Kubernetes does: the Service port (by number), then the
   * EndpointSlice port of the same name (or the numeric targetPort), then the ready endpoints. What cannot be
   * resolved is reported against `field` of the owner and gets no traffic; ALB's weights spread the rest.
   */
  resolve(
    name: string,
    group: ServiceGroup,
    owner: Diagnostic['object'],
    field: string,
    report: (d: Diagnostic) => void,
  ): BackendGroupConfig {
    const weighted: WeightedService[] = [];
    (group.services ?? []).forEach((ref, i) => {
      const at = `${field}.services[${i}]`;
      const warn = (code: string, message: string) =>
        report({ object: owner, severity: 'warning', code, field: at, message });
      const service = this.services.get(`${ref.namespace}/${ref.name}`);
      const weight = ref.weight ?? 100;
      if (service === undefined) {
        warn(diagnosticCodes.serviceNotFound, `Service ${ref.namespace}/${ref.name} not found; it gets no traffic`);
        return;
      }
      if (service.spec?.type === 'ExternalName') {
        warn(
          diagnosticCodes.unsupported,
          `Service ${ref.namespace}/${ref.name} is ExternalName, which is not supported yet; it gets no traffic`,
        );
        return;
      }
      const servicePort = service.spec?.ports?.find((p) => p.port === ref.port);
      if (servicePort === undefined) {
        const ports = (service.spec?.ports ?? []).map((p) => p.port).join(', ') || 'none';
        warn(
          diagnosticCodes.servicePortNotFound,
          `Service ${ref.namespace}/${ref.name} has no port ${ref.port} (its ports: ${ports}); it gets no traffic`,
        );
        return;
      }
      const cacheKey = `${ref.namespace}/${ref.name}:${ref.port}`;
      let endpoints = this.resolved.get(cacheKey);
      if (endpoints === undefined)
        this.resolved.set(cacheKey, (endpoints = this.endpointsOf(`${ref.namespace}/${ref.name}`, servicePort)));
      if (endpoints.length === 0)
        warn(
          diagnosticCodes.noEndpoints,
          `Service ${ref.namespace}/${ref.name} has no ready endpoints for port ${ref.port}`,
        );
      weighted.push({ weight, endpoints });
    });
    return {
      name,
      policy: group.session_affinity_policy ? group.session_affinity_policy : 'round-robin',
      affinityAttribute: group.session_affinity_attribute ?? null,
      endpoints: spreadServiceWeights(weighted),
    };
  }

  private endpointsOf(
    serviceKey: string,
    servicePort: NonNullable<NonNullable<ServiceObject['spec']>['ports']>[number],
  ): Array<{ address: string; port: number }> {
    const out: Array<{ address: string; port: number }> = [];
    const seen = new Set<string>();
    const portName = servicePort.name ?? '';
    for (const slice of this.slices.get(serviceKey) ?? []) {
      if (slice.addressType === 'FQDN') continue;
      const slicePorts = slice.ports ?? [];
      let port = slicePorts.find((p) => (p.name ?? '') === portName)?.port ?? undefined;
      if (port == null) {
        if (typeof servicePort.targetPort === 'number') port = servicePort.targetPort;
        else if (servicePort.targetPort === undefined) port = servicePort.port;
        else continue; // a named targetPort only the slice can resolve
      }
      for (const endpoint of slice.endpoints ?? []) {
        // Kubernetes: a nil `ready` means ready.
        if (endpoint.conditions?.ready === false) continue;
        for (const address of endpoint.addresses) {
          const key = `${address}:${port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ address, port });
        }
      }
    }
    return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
  }
}
