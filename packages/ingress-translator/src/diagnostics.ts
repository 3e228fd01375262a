import type { DiagnosticCode } from './errors.ts';

/** A problem with one Ingress; the caller turns it into an Event on that Ingress (Warning for both severities). */
export type Diagnostic = {
  object: { kind: 'Ingress'; namespace: string; name: string };
  /** `error`: something the user asked for is not served at all; `warning`: served, with a setting ignored. */
  severity: 'warning' | 'error';
  code: DiagnosticCode;
  /** The field at fault, e.g. `metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]`. */
  field: string;
  message: string;
};

/** Reports problems of one Ingress. */
export type Report = (severity: Diagnostic['severity'], code: DiagnosticCode, field: string, message: string) => void;

/**
 * Collects diagnostics without duplicates (an Ingress-wide annotation is read once per path and Frontend) and
 * returns them in a stable order.
 */
export class DiagnosticSink {
  readonly #seen = new Map<string, Diagnostic>();

  reporter(namespace: string, name: string): Report {
    return (severity, code, field, message) => {
      const key = `${namespace}\0${name}\0${field}\0${code}\0${message}`;
      if (this.#seen.has(key)) return;
      this.#seen.set(key, { object: { kind: 'Ingress', namespace, name }, severity, code, field, message });
    };
  }

  sorted(): Diagnostic[] {
    return [...this.#seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
  }
}

/** `metadata.annotations["<key>"]`: the field path of an annotation. */
export function annotationField(key: string): string {
  return `metadata.annotations[${JSON.stringify(key)}]`;
}
