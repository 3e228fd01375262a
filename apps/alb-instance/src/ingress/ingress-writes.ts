// What the leader must write so the cluster holds the translated Frontends and Rules: pure decisions, no I/O.
import { labels } from '@alb/crd-types';
import type { IngressLoadBalancerIngress } from '@alb/ingress-translator';
import { keyOf, type KubeObject } from '../objects/kube-object.ts';

type OwnerReference = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

/**
 * The body of a server-side apply: identity, the labels, annotations and owners we manage, and the spec. Never
 * resourceVersion, uid or status (an apply states intent; it does not race other writers).
 */
export function applyBody(object: KubeObject): KubeObject {
  const { name, namespace, labels: l, annotations, ownerReferences } = object.metadata;
  const metadata: KubeObject['metadata'] = { name };
  if (namespace !== undefined) metadata.namespace = namespace;
  if (l !== undefined && Object.keys(l).length > 0) metadata.labels = l;
  if (annotations !== undefined && Object.keys(annotations).length > 0) metadata.annotations = annotations;
  if (ownerReferences !== undefined && ownerReferences.length > 0)
    metadata.ownerReferences = ownerReferences.map(({ apiVersion, kind, name: owner, uid }) => ({
      apiVersion,
      kind,
      name: owner,
      uid,
    }));
  return plainJson({ apiVersion: object.apiVersion, kind: object.kind, metadata, spec: object.spec });
}

/**
 * Whether a translated Frontend needs writing. Frontends are shared with users and other Ingresses: the
 * translator returns the existing one with what it needs filled in, so an equal spec and our labels and owners
 * already present mean there is nothing to do.
 */
export function frontendNeedsWrite(desired: KubeObject, existing: KubeObject | undefined): boolean {
  if (existing === undefined) return true;
  const wanted = applyBody(desired);
  if (!sameJson(wanted.spec ?? null, existing.spec ?? null)) return true;
  if (!includes(existing.metadata.labels ?? {}, wanted.metadata.labels ?? {})) return true;
  const owners = new Set((existing.metadata.ownerReferences ?? []).map((o) => o.uid));
  return (wanted.metadata.ownerReferences ?? []).some((o) => !owners.has(o.uid));
}

/**
 * Whether a translated Rule needs writing. Translated Rules belong to the translator entirely: any difference in
 * spec, labels, annotations or owners is written (an apply removes what we no longer set).
 */
export function ruleNeedsWrite(desired: KubeObject, existing: KubeObject | undefined): boolean {
  if (existing === undefined) return true;
  const wanted = applyBody(desired);
  return !(
    sameJson(wanted.spec ?? null, existing.spec ?? null) &&
    sameJson(wanted.metadata.labels ?? {}, existing.metadata.labels ?? {}) &&
    sameJson(wanted.metadata.annotations ?? {}, existing.metadata.annotations ?? {}) &&
    sameJson(owners(wanted), owners(existing))
  );
}

/**
 * A translated Rule owned by the Frontend it hangs on, so deleting the Frontend (or its ALB2) collects it. The
 * translator can only set this for Frontends that already existed; new ones get their uid when written.
 */
export function withFrontendOwner(
  rule: KubeObject,
  frontendUids: ReadonlyMap<string, string>,
  domain: string,
): KubeObject {
  if ((rule.metadata.ownerReferences ?? []).length > 0) return rule;
  const frontend = rule.metadata.labels?.[labels(domain).frontend];
  const uid = frontend === undefined ? undefined : frontendUids.get(frontend);
  if (frontend === undefined || uid === undefined) return rule;
  const owner: OwnerReference = { apiVersion: 'crd.alauda.io/v1', kind: 'Frontend', name: frontend, uid };
  return { ...rule, metadata: { ...rule.metadata, ownerReferences: [owner] } };
}

/**
 * Rules the translator made for this ALB earlier that it no longer makes: in the ALB's namespace, labelled with
 * the ALB's name and `source-type: ingress`, and not among `desired`. Hand-written Rules are never touched.
 */
export function staleIngressRules(
  existing: readonly KubeObject[],
  desired: readonly KubeObject[],
  scope: { alb: string; namespace: string; domain: string },
): KubeObject[] {
  const keys = labels(scope.domain);
  const wanted = new Set(desired.map(keyOf));
  return existing.filter(
    (rule) =>
      rule.metadata.namespace === scope.namespace &&
      rule.metadata.labels?.[keys.name] === scope.alb &&
      rule.metadata.labels?.[keys.sourceType] === 'ingress' &&
      !wanted.has(keyOf(rule)),
  );
}

/**
 * An Ingress's `status.loadBalancer.ingress` with this ALB's entries replaced by `ours` (empty: removed). Entries
 * are this ALB's when their address is one of its addresses; other controllers' entries are kept, in order.
 * Returns undefined when nothing changes.
 */
export function mergedLoadBalancer(
  current: readonly IngressLoadBalancerIngress[],
  ours: readonly IngressLoadBalancerIngress[],
  ourAddresses: ReadonlySet<string>,
): IngressLoadBalancerIngress[] | undefined {
  const others = current.filter((entry) => !ourAddresses.has(entry.ip ?? entry.hostname ?? ''));
  const merged = [...others, ...ours];
  return sameJson(merged, current) ? undefined : merged;
}

/** Deep equality of JSON data; object key order does not matter, array order does. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameJson(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}

function includes(container: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => container[key] === value);
}

function owners(object: KubeObject): string[] {
  return (object.metadata.ownerReferences ?? []).map((o) => `${o.apiVersion}/${o.kind}/${o.name}/${o.uid}`);
}

/** Drops `undefined` fields the way the API server would, so comparisons see what was stored. */
function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
