// Same input, any order -> byte-identical output; and whatever the Ingresses, every Rule and Frontend produced is
// valid for @alb/crd-types, Rule names are unique, and nothing throws.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { hasErrors, validateFrontend, validateRule } from '@alb/crd-types';
import { translateIngresses } from '../src/index.ts';
import type { Ingress, Service, TranslateInput } from '../src/index.ts';
import { dump, loadInput } from './helpers.ts';

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.in.yaml'))
  .sort()
  .map((f) => loadInput(new URL(f, dir)));

const permutation = <T>(items: readonly T[]) =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

t.test('shuffling every input list gives the same output (all fixtures)', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(...fixtures).chain((input) =>
        fc.record({
          input: fc.constant(input),
          ingresses: permutation(input.ingresses),
          services: permutation(input.services ?? []),
          frontends: permutation(input.frontends ?? []),
          namespaces: permutation(input.namespaces ?? []),
          ingressClasses: permutation(input.ingressClasses ?? []),
        }),
      ),
      ({ input, ...lists }) => dump(translateIngresses({ ...input, ...lists })) === dump(translateIngresses(input)),
    ),
    { numRuns: 200 },
  );
  t.pass('200 permutations');
});

const hosts = ['', 'a.example.com', 'B.example.com', '*.apps.example.com', 'bad host'];
const paths = ['/', '/api', '/api/v[0-9]+', '', 'x', '/(?=no)'];
const pathTypes = ['Prefix', 'Exact', 'ImplementationSpecific', undefined, 'Weird'];
const annotationPool: Array<[string, string]> = [
  ['nginx.ingress.kubernetes.io/rewrite-target', '/$1'],
  ['nginx.ingress.kubernetes.io/backend-protocol', 'HTTPS'],
  ['nginx.ingress.kubernetes.io/backend-protocol', 'FCGI'],
  ['nginx.ingress.kubernetes.io/proxy-read-timeout', '30'],
  ['nginx.ingress.kubernetes.io/proxy-read-timeout', 'never'],
  ['nginx.ingress.kubernetes.io/ssl-redirect', 'true'],
  ['nginx.ingress.kubernetes.io/force-ssl-redirect', 'true'],
  ['nginx.ingress.kubernetes.io/permanent-redirect', 'https://x.example.com'],
  ['nginx.ingress.kubernetes.io/redirect-code', '307'],
  ['nginx.ingress.kubernetes.io/auth-url', 'http://auth/check'],
  ['nginx.ingress.kubernetes.io/auth-type', 'basic'],
  ['nginx.ingress.kubernetes.io/auth-secret', 'users'],
  ['nginx.ingress.kubernetes.io/enable-cors', 'true'],
  ['nginx.ingress.kubernetes.io/enable-modsecurity', 'true'],
  ['alb.ingress.cpaas.io/otel', '{"enable":true}'],
  ['alb.ingress.cpaas.io/rewrite-request', '{"headers":{"a":"b"}}'],
  ['index.0-0.alb.ingress.cpaas.io/proxy-read-timeout', '5'],
  ['alb.cpaas.io/ingress-rule-priority-0-0', '3'],
  ['alb.networking.cpaas.io/tls', 'a.example.com=app/a'],
  ['alb.networking.cpaas.io/enable-https', 'true'],
  ['nginx.ingress.kubernetes.io/canary', 'true'],
];

const backend = fc.record({
  service: fc.record({
    name: fc.constantFrom('web', 'api', 'missing'),
    port: fc.oneof(fc.constant({ number: 80 }), fc.constant({ name: 'http' }), fc.constant({ name: 'nope' })),
  }),
});
const ingressArb: fc.Arbitrary<Ingress> = fc.record({
  apiVersion: fc.constant('networking.k8s.io/v1'),
  kind: fc.constant('Ingress'),
  metadata: fc.record({
    name: fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5', 'i6'),
    namespace: fc.constantFrom('app', 'other'),
    creationTimestamp: fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'),
    annotations: fc
      .subarray(annotationPool, { maxLength: 5 })
      .map((pairs) => Object.fromEntries(pairs) as Record<string, string>),
  }),
  spec: fc.record(
    {
      ingressClassName: fc.constantFrom('alb-f', 'other'),
      tls: fc.constant([{ hosts: ['a.example.com'], secretName: 'a' }]),
      defaultBackend: backend,
      rules: fc.array(
        fc.record({
          host: fc.constantFrom(...hosts),
          http: fc.record({
            paths: fc.array(
              fc.record({ path: fc.constantFrom(...paths), pathType: fc.constantFrom(...pathTypes), backend }),
              { minLength: 1, maxLength: 3 },
            ),
          }),
        }),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
}) as fc.Arbitrary<Ingress>;

const services: Service[] = ['app', 'other'].flatMap((namespace) =>
  ['web', 'api'].map((name) => ({ metadata: { name, namespace }, spec: { ports: [{ name: 'http', port: 8080 }] } })),
);

const albArb = fc.record({
  strategy: fc.constantFrom('Never', 'Request', 'Always', 'Both'),
  httpsPort: fc.constantFrom(443, 0),
  sslRedirect: fc.boolean(),
});

t.test('random Ingresses: valid objects, unique names, order-independent, no throw', async (t) => {
  fc.assert(
    fc.property(
      fc.uniqueArray(ingressArb, { maxLength: 6, selector: (i) => `${i.metadata.namespace}/${i.metadata.name}` }),
      albArb,
      (ingresses, settings) => {
        const input: TranslateInput = {
          alb: {
            apiVersion: 'crd.alauda.io/v2beta1',
            kind: 'ALB2',
            metadata: { name: 'alb-f', namespace: 'cpaas-system', uid: 'u' },
            spec: {
              address: '10.0.0.1',
              config: {
                projects: ['ALL_ALL'],
                defaultSSLStrategy: settings.strategy as 'Never',
                ingressHTTPSPort: settings.httpsPort,
                ingressSSLRedirect: settings.sslRedirect,
              },
            },
          },
          ingresses,
          services,
        };
        const out = translateIngresses(input);
        for (const rule of out.rules) if (hasErrors(validateRule(rule))) return false;
        for (const ft of out.frontends) if (hasErrors(validateFrontend(ft))) return false;
        if (new Set(out.rules.map((r) => r.metadata.name)).size !== out.rules.length) return false;
        if (out.rules.some((r) => r.metadata.name.length > 63)) return false;
        const again = translateIngresses({
          ...input,
          ingresses: [...ingresses].reverse(),
          services: [...services].reverse(),
        });
        return dump(again) === dump(out);
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random Ingress sets');
});
