// Which Ingresses this ALB handles, by class (Alauda ALB: ingress/ingress_select.go, extended with IngressClass
// objects).
import type { AlbSettings } from './alb-settings.ts';
import type { Ingress, IngressClass } from './kube-types.ts';

const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
const legacyClassAnnotation = 'kubernetes.io/ingress.class';

/** `spec.ingressClassName`, else the legacy annotation; blank counts as none. */
export function ingressClassOf(ingress: Ingress): { name: string; field: string } | null {
  const fromSpec = ingress.spec?.ingressClassName;
  if (typeof fromSpec === 'string' && fromSpec.trim() !== '')
    return { name: fromSpec.trim(), field: 'spec.ingressClassName' };
  const fromAnnotation = ingress.metadata.annotations?.[legacyClassAnnotation];
  if (typeof fromAnnotation === 'string' && fromAnnotation.trim() !== '')
    return { name: fromAnnotation.trim(), field: `metadata.annotations["${legacyClassAnnotation}"]` };
  return null;
}

export type ClassSelector = {
  /** 'ours': the class names this ALB; 'unclassed': no class and no other default class; null: not ours. */
  select(ingress: Ingress): 'ours' | 'unclassed' | null;
};

/**
 * A class selects this ALB when its name is the ALB's name (Alauda ALB's only rule; no IngressClass object is
 * needed), or when an IngressClass of that name has our controller and `spec.parameters` naming this ALB2. An
 * Ingress without a class is handled unless an IngressClass marked as the cluster default selects another
 * controller or ALB.
 */
export function classSelector(alb: AlbSettings, classes: readonly IngressClass[], controller: string): ClassSelector {
  const bound = new Set<string>();
  const defaults: string[] = [];
  for (const cls of classes) {
    const name = cls.metadata?.name;
    if (typeof name !== 'string') continue;
    const params = cls.spec?.parameters;
    if (
      cls.spec?.controller === controller &&
      params !== undefined &&
      params.kind === 'ALB2' &&
      (params.apiGroup === undefined || params.apiGroup === 'crd.alauda.io') &&
      params.name === alb.name &&
      (params.namespace === undefined || params.namespace === alb.namespace)
    )
      bound.add(name);
    if (cls.metadata.annotations?.[defaultClassAnnotation] === 'true') defaults.push(name);
  }
  const selects = (name: string) => name === alb.name || bound.has(name);
  const unclassedOurs = defaults.length === 0 || defaults.some(selects);
  return {
    select(ingress) {
      const cls = ingressClassOf(ingress);
      if (cls === null) return unclassedOurs ? 'unclassed' : null;
      return selects(cls.name) ? 'ours' : null;
    },
  };
}
