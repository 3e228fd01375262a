// Reads an Ingress's annotations with ALB's prefix precedence, parsing the keys once per Ingress.
import { isKnownAlbIngressName, isKnownNginxName, unsupportedNginxAnnotations } from './annotation-keys.ts';
import type { Report } from './diagnostics.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';

/** An annotation value and the exact key it came from (for diagnostics). */
export type Annotation = { value: string; key: string };

const nginxPrefix = 'nginx.ingress.kubernetes.io/';
const unsupported: ReadonlySet<string> = new Set(unsupportedNginxAnnotations);

export class IngressAnnotations {
  readonly all: Readonly<Record<string, string>>;
  readonly domain: string;
  readonly #albPrefix: string;
  readonly #nginx = new Map<string, string>();
  readonly #alb = new Map<string, string>();
  /** `"<rule>-<path>"` -> name -> value and key. */
  readonly #indexed = new Map<string, Map<string, Annotation>>();
  readonly #indexedKeys: string[] = [];

  constructor(annotations: Record<string, string> | undefined, domain: string) {
    this.all = annotations ?? {};
    this.domain = domain;
    this.#albPrefix = `alb.ingress.${domain}/`;
    const indexedSuffix = `.alb.ingress.${domain}/`;
    for (const [key, value] of Object.entries(this.all)) {
      if (typeof value !== 'string') continue;
      if (key.startsWith(nginxPrefix)) this.#nginx.set(key.slice(nginxPrefix.length), value);
      else if (key.startsWith(this.#albPrefix)) this.#alb.set(key.slice(this.#albPrefix.length), value);
      else if (key.startsWith('index.')) {
        const at = key.indexOf(indexedSuffix);
        const index = at > 0 ? /^index\.(\d+)-(\d+)$/.exec(key.slice(0, at)) : null;
        if (index === null) continue;
        const slot = `${Number(index[1])}-${Number(index[2])}`;
        let names = this.#indexed.get(slot);
        if (names === undefined) this.#indexed.set(slot, (names = new Map()));
        names.set(key.slice(at + indexedSuffix.length), { value, key });
        this.#indexedKeys.push(key);
      }
    }
  }

  /** An ingress-nginx setting for path `p` of rule `r`: indexed > `alb.ingress.<domain>/` > nginx prefix. */
  get(name: string, r: number, p: number): Annotation | undefined {
    return this.getAlb(name, r, p) ?? this.#fromMap(this.#nginx, nginxPrefix, name);
  }

  /** One of ALB's own settings: indexed > `alb.ingress.<domain>/`. */
  getAlb(name: string, r: number, p: number): Annotation | undefined {
    const names = this.#indexed.size === 0 ? undefined : this.#indexed.get(`${r}-${p}`);
    return names?.get(name) ?? this.#fromMap(this.#alb, this.#albPrefix, name);
  }

  /** An annotation by its full key. */
  raw(key: string): Annotation | undefined {
    const value = this.all[key];
    return typeof value === 'string' ? { value, key } : undefined;
  }

  #fromMap(map: Map<string, string>, prefix: string, name: string): Annotation | undefined {
    const value = map.get(name);
    return value === undefined ? undefined : { value, key: prefix + name };
  }

  /** Warns about keys under the prefixes we read that name nothing we implement. */
  reportUnknown(report: Report): void {
    const warn = (key: string, name: string) =>
      report(
        'warning',
        diagnosticCodes.unsupportedAnnotation,
        annotationField(key),
        unsupported.has(name)
          ? `${name} is an ingress-nginx feature this ALB does not implement; the annotation is ignored`
          : `${name} is not an annotation this ALB reads; it is ignored`,
      );
    for (const name of this.#nginx.keys()) if (!isKnownNginxName(name)) warn(nginxPrefix + name, name);
    for (const name of this.#alb.keys()) if (!isKnownAlbIngressName(name)) warn(this.#albPrefix + name, name);
    for (const key of this.#indexedKeys) {
      const name = key.slice(key.indexOf('/') + 1);
      if (!isKnownAlbIngressName(name)) warn(key, name);
    }
  }
}
