// An Ingress backend -> the Service port number a Rule names (ALB routes to Service ports, reference 5.3).
import type { Report } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';
import type { IngressBackend, Service } from './kube-types.ts';

export type ResolvedBackend = { name: string; port: number; appProtocol: string | undefined };

export type ServiceIndex = ReadonlyMap<string, Service>;

export function indexServices(services: readonly Service[]): Map<string, Service> {
  const out = new Map<string, Service>();
  for (const svc of services)
    if (typeof svc.metadata?.name === 'string') out.set(`${svc.metadata.namespace ?? ''}/${svc.metadata.name}`, svc);
  return out;
}

/**
 * A numeric port is used as given (a missing Service or port is reported, and the path still served: the Service
 * may come later, as in ALB). A named port needs the Service to resolve it: unresolvable, the path is skipped.
 * `field` is the path of the backend, e.g. `spec.rules[0].http.paths[1].backend`.
 */
export function resolveBackend(
  backend: IngressBackend | undefined,
  namespace: string,
  services: ServiceIndex,
  field: string,
  report: Report,
): ResolvedBackend | null {
  if (backend?.resource !== undefined) {
    report(
      'error',
      diagnosticCodes.unsupportedBackend,
      `${field}.resource`,
      'resource backends are not supported; use a Service backend',
    );
    return null;
  }
  const service = backend?.service;
  if (typeof service?.name !== 'string' || service.name === '') {
    report('error', diagnosticCodes.invalid, `${field}.service.name`, 'a backend needs a Service name');
    return null;
  }
  const svc = services.get(`${namespace}/${service.name}`);
  const ports = Array.isArray(svc?.spec?.ports) ? svc.spec.ports : [];
  const number = service.port?.number;
  const name = service.port?.name;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= 65535) {
    if (svc === undefined)
      report(
        'warning',
        diagnosticCodes.serviceNotFound,
        `${field}.service.name`,
        `Service ${namespace}/${service.name} does not exist (yet); the path is served once it does`,
      );
    const found = ports.find((p) => p.port === number);
    if (svc !== undefined && found === undefined)
      report(
        'warning',
        diagnosticCodes.portNotFound,
        `${field}.service.port.number`,
        `Service ${namespace}/${service.name} has no port ${number}`,
      );
    return { name: service.name, port: number, appProtocol: found?.appProtocol };
  }
  if (typeof name === 'string' && name !== '') {
    if (svc === undefined) {
      report(
        'error',
        diagnosticCodes.serviceNotFound,
        `${field}.service.name`,
        `Service ${namespace}/${service.name} does not exist, so port ${JSON.stringify(name)} cannot be resolved; ` +
          'the path is not served',
      );
      return null;
    }
    const found = ports.find((p) => p.name === name);
    if (found === undefined) {
      report(
        'error',
        diagnosticCodes.portNotFound,
        `${field}.service.port.name`,
        `Service ${namespace}/${service.name} has no port named ${JSON.stringify(name)}; the path is not served`,
      );
      return null;
    }
    return { name: service.name, port: found.port, appProtocol: found.appProtocol };
  }
  report(
    'error',
    diagnosticCodes.invalid,
    `${field}.service.port`,
    'a Service backend needs port.number (1-65535) or port.name',
  );
  return null;
}
