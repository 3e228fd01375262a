import type { Alb2, Frontend } from '@alb/crd-types';
import {
  translateIngresses,
  type Ingress,
  type IngressClass,
  type Namespace,
  type Service,
  type TranslateOutput,
} from '@alb/ingress-translator';
import { diagnosticCodes, type Diagnostic } from '../diagnostics.ts';
import { keyOf, type KubeObject } from '../objects/kube-object.ts';
import type { Snapshot } from '../objects/object-store.ts';

/** The translation and the ALB2 it was made for; both null without an ALB2. */
export type Translation =
  | { output: TranslateOutput; alb: Alb2; diagnostics: Diagnostic[] }
  | { output: null; alb: null; diagnostics: Diagnostic[] };

/**
 * Translates the snapshot's Ingresses for an ALB (its ALB2 must be in the snapshot: translation reads its config).
 * With no Ingress the output is still computed (a Frontend default backend taken from a deleted Ingress is
 * cleared). Returns null output without an ALB2.
 */
export function translateSnapshot(snapshot: Snapshot, albName: string | undefined, domain: string): Translation {
  const ingresses = (snapshot.get('Ingress') ?? []) as unknown as Ingress[];
  const alb2s = snapshot.get('ALB2') ?? [];
  const alb = (albName === undefined
    ? alb2s.length === 1
      ? alb2s[0]
      : undefined
    : alb2s.find((a) => a.metadata.name === albName)) as unknown as Alb2 | undefined;
  if (alb === undefined) {
    if (ingresses.length === 0) return { output: null, alb: null, diagnostics: [] };
    return {
      output: null,
      alb: null,
      diagnostics: [
        {
          object: { kind: 'ALB2', name: albName ?? '(none)' },
          severity: 'warning',
          code: diagnosticCodes.noAlb,
          field: '',
          message: `${ingresses.length} Ingress(es) found but no ALB2 to translate them for; they are not served`,
        },
      ],
    };
  }
  const output = translateIngresses({
    alb,
    ingresses,
    ingressClasses: (snapshot.get('IngressClass') ?? []) as unknown as IngressClass[],
    namespaces: (snapshot.get('Namespace') ?? []) as unknown as Namespace[],
    services: (snapshot.get('Service') ?? []) as unknown as Service[],
    frontends: (snapshot.get('Frontend') ?? []) as unknown as Frontend[],
    domain,
  });
  const diagnostics: Diagnostic[] = output.diagnostics.map((d) => ({
    object: { ...d.object },
    severity: d.severity,
    code: d.code,
    field: d.field,
    message: d.message,
  }));
  return { output, alb, diagnostics };
}

/**
 * The snapshot as if the translated Frontends and Rules had been written (file mode keeps them in memory): a
 * translated object replaces one of the same kind, namespace and name.
 */
export function withTranslated(snapshot: Snapshot, output: TranslateOutput): Snapshot {
  const merged = new Map(snapshot);
  for (const [kind, produced] of [
    ['Frontend', output.frontends],
    ['Rule', output.rules],
  ] as const) {
    if (produced.length === 0) continue;
    const byKey = new Map((snapshot.get(kind) ?? []).map((o) => [keyOf(o), o]));
    for (const object of produced as unknown as KubeObject[]) byKey.set(keyOf(object), object);
    merged.set(
      kind,
      [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, o]) => o),
    );
  }
  return merged;
}
