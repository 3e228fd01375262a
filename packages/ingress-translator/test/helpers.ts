// Fixture loading: a multi-document YAML of the objects a cluster would hold -> a TranslateInput.
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import type { Alb2, Frontend } from '@alb/crd-types';
import type { Ingress, IngressClass, Namespace, Service, TranslateInput, TranslateOutput } from '../src/index.ts';

/**
 * Kinds: ALB2 (exactly one), Ingress, IngressClass, Namespace, Service, Frontend, and `TranslateOptions`
 * (`domain`, `controllerName`) for the call's options.
 */
export function loadInput(url: URL): TranslateInput {
  const docs = parseAllDocuments(readFileSync(url, 'utf8'));
  let alb: Alb2 | undefined;
  const input = {
    ingresses: [] as Ingress[],
    ingressClasses: [] as IngressClass[],
    namespaces: [] as Namespace[],
    services: [] as Service[],
    frontends: [] as Frontend[],
  };
  const options: { domain?: string; controllerName?: string } = {};
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${url.pathname}: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as { kind?: string } | null;
    if (obj === null) continue;
    switch (obj.kind) {
      case 'ALB2':
        if (alb !== undefined) throw new Error(`${url.pathname}: more than one ALB2`);
        alb = obj as Alb2;
        break;
      case 'Ingress':
        input.ingresses.push(obj as Ingress);
        break;
      case 'IngressClass':
        input.ingressClasses.push(obj as IngressClass);
        break;
      case 'Namespace':
        input.namespaces.push(obj as Namespace);
        break;
      case 'Service':
        input.services.push(obj as Service);
        break;
      case 'Frontend':
        input.frontends.push(obj as Frontend);
        break;
      case 'TranslateOptions':
        Object.assign(options, obj, { kind: undefined });
        delete (options as { kind?: unknown }).kind;
        break;
      default:
        throw new Error(`${url.pathname}: unexpected kind ${String(obj.kind)}`);
    }
  }
  if (alb === undefined) throw new Error(`${url.pathname}: no ALB2`);
  return { alb, ...input, ...options };
}

export function dump(output: TranslateOutput): string {
  return stringify(output, { lineWidth: 0, aliasDuplicateObjects: false });
}
