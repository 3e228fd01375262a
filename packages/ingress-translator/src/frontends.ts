// The Ingress Frontends (one http and one https port, Alauda ALB: ingress/need.go): which exist, which may carry
// Rules, and their desired state: default backend handed to the oldest default-backend Ingress, and the
// ALB-wide ingressSSLRedirect.
import type { Frontend, FrontendSpec, RedirectConfig } from '@alb/crd-types';
import { frontendName, labels } from '@alb/crd-types';
import type { AlbSettings } from './alb-settings.ts';
import { diagnosticCodes } from './errors.ts';
import type { DefaultBackendPlan } from './ingress-plan.ts';
import type { Side } from './tls-hosts.ts';

export type SideFrontend = {
  side: Side;
  port: number;
  existing: Frontend | undefined;
  /** The Frontend's name (existing, or `<alb>-<port>` to create); '' when the side is disabled. */
  name: string;
  /** Why no Rule can go to this side, or null. */
  problem: {
    code: typeof diagnosticCodes.noFrontend | typeof diagnosticCodes.frontendConflict;
    message: string;
  } | null;
};

/** The Frontends of this ALB on the two Ingress ports (lowest name first when several share a port). */
export function sideFrontends(alb: AlbSettings, frontends: readonly Frontend[]): Record<Side, SideFrontend> {
  const nameKey = labels(alb.domain).name;
  const ours = frontends
    .filter(
      (ft) =>
        ft?.metadata?.labels?.[nameKey] === alb.name &&
        (ft.metadata.namespace === undefined || ft.metadata.namespace === alb.namespace) &&
        typeof ft.spec?.port === 'number',
    )
    .sort((a, b) => compare(a.metadata.name, b.metadata.name));
  const side = (which: Side, port: number): SideFrontend => {
    const portSetting = which === 'http' ? 'ingressHTTPPort' : 'ingressHTTPSPort';
    if (port === 0)
      return {
        side: which,
        port,
        existing: undefined,
        name: '',
        problem: {
          code: diagnosticCodes.noFrontend,
          message: `${portSetting} of ALB ${alb.name} is 0: ${which} is disabled`,
        },
      };
    const onPort = ours.filter((ft) => ft.spec.port === port);
    const existing = onPort.find((ft) => ft.spec.protocol === which);
    if (existing === undefined && onPort.length > 0)
      return {
        side: which,
        port,
        existing: undefined,
        name: '',
        problem: {
          code: diagnosticCodes.frontendConflict,
          message:
            `Frontend ${onPort[0]!.metadata.name} on port ${port} (${portSetting}) ` +
            `is ${onPort[0]!.spec.protocol}, not ${which}`,
        },
      };
    return {
      side: which,
      port,
      existing,
      name: existing?.metadata.name ?? frontendName(alb.name, port),
      problem: null,
    };
  };
  return { http: side('http', alb.httpPort), https: side('https', alb.httpsPort) };
}

export type DefaultBackendOwner = { namespace: string; name: string; plan: DefaultBackendPlan };

/** Annotation on the http Frontend marking a redirect that ingressSSLRedirect put there (so it can be removed). */
export function sslRedirectMarker(domain: string): string {
  return `alb2.${domain}/ingress-ssl-redirect`;
}

const sslRedirect: RedirectConfig = { code: 308, scheme: 'https' };

/**
 * The desired Frontend of a side. A new one is `<alb>-<port>`, owned by the ALB2, labelled with the ALB name, with
 * `defaultSSLCert` on https and `source` = the default-backend Ingress or else the first Ingress that needs it. An
 * existing one keeps every field except the default backend (set when free or set by an Ingress, wiped when its
 * Ingress is gone), an Ingress `source` whose Ingress is gone, and the ingressSSLRedirect redirect (only the one
 * we marked).
 */
export function desiredFrontend(
  alb: AlbSettings,
  side: SideFrontend,
  owner: DefaultBackendOwner | undefined,
  firstUser: { namespace: string; name: string } | undefined,
  sslRedirectWanted: boolean,
  handled: (namespace: string, name: string) => boolean,
): { frontend: Frontend; ownerRejected: boolean } {
  const keys = labels(alb.domain);
  let ft: Frontend;
  let ownerRejected = false;
  if (side.existing === undefined) {
    const spec: FrontendSpec = { port: side.port, protocol: side.side };
    if (side.side === 'https' && alb.defaultCert !== '') spec.certificate_name = alb.defaultCert;
    const source = owner ?? firstUser;
    if (source !== undefined) spec.source = { type: 'ingress', namespace: source.namespace, name: source.name };
    ft = {
      apiVersion: 'crd.alauda.io/v1',
      kind: 'Frontend',
      metadata: { name: side.name, namespace: alb.namespace, labels: { [keys.name]: alb.name } },
      spec,
    };
    if (alb.uid !== undefined)
      ft.metadata.ownerReferences = [{ apiVersion: alb.apiVersion, kind: 'ALB2', name: alb.name, uid: alb.uid }];
    if (owner !== undefined) setDefaultBackend(ft.spec, owner);
  } else {
    ft = copyFrontend(side.existing);
    const hasServices = (ft.spec.serviceGroup?.services?.length ?? 0) > 0;
    const setByIngress = ft.spec.source?.type === 'ingress';
    if (owner !== undefined) {
      if (!hasServices || setByIngress) setDefaultBackend(ft.spec, owner);
      else ownerRejected = true;
    } else if (hasServices && setByIngress) {
      delete ft.spec.serviceGroup;
      delete ft.spec.source;
      delete ft.spec.backendProtocol;
    } else if (setByIngress && !handled(ft.spec.source?.namespace ?? '', ft.spec.source?.name ?? '')) {
      // The Ingress it was created for is gone: Alauda cleared the source too.
      delete ft.spec.source;
    }
  }
  if (side.side === 'http') applySslRedirect(ft, sslRedirectMarker(alb.domain), sslRedirectWanted);
  return { frontend: ft, ownerRejected };
}

function setDefaultBackend(spec: FrontendSpec, owner: DefaultBackendOwner): void {
  const { backend, backendProtocol } = owner.plan;
  spec.serviceGroup = {
    services: [{ name: backend.name, namespace: owner.namespace, port: backend.port, weight: 100 }],
  };
  spec.source = { type: 'ingress', namespace: owner.namespace, name: owner.name };
  if (backendProtocol !== undefined) spec.backendProtocol = backendProtocol;
  else delete spec.backendProtocol;
}

function applySslRedirect(ft: Frontend, marker: string, wanted: boolean): void {
  const marked = ft.metadata.annotations?.[marker] === 'true';
  if (wanted && (marked || ft.spec.config?.redirect === undefined)) {
    ft.spec.config = { ...ft.spec.config, redirect: { ...sslRedirect } };
    ft.metadata.annotations = { ...ft.metadata.annotations, [marker]: 'true' };
  } else if (!wanted && marked) {
    const { [marker]: _removed, ...rest } = ft.metadata.annotations!;
    if (Object.keys(rest).length > 0) ft.metadata.annotations = rest;
    else delete ft.metadata.annotations;
    if (ft.spec.config !== undefined) {
      const { redirect: _redirect, ...config } = ft.spec.config;
      if (Object.keys(config).length > 0) ft.spec.config = config;
      else delete ft.spec.config;
    }
  }
}

/** A deep copy without status and server-managed bookkeeping the writer does not send back. */
function copyFrontend(ft: Frontend): Frontend {
  const { status: _status, ...rest } = structuredClone(ft);
  const { managedFields: _managed, ...metadata } = rest.metadata;
  return { ...rest, metadata };
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
