// npm run bench:translate -- full translation of 1k and 10k Ingresses (3 paths each): median time over several
// runs, and the heap the result holds. Target: 10k Ingresses in under 1 s.
import type { Alb2 } from '@alb/crd-types';
import { translateIngresses } from '../src/index.ts';
import type { Ingress, Namespace, Service, TranslateInput } from '../src/index.ts';

const alb: Alb2 = {
  apiVersion: 'crd.alauda.io/v2beta1',
  kind: 'ALB2',
  metadata: { name: 'alb-bench', namespace: 'cpaas-system', uid: 'alb-uid' },
  spec: { address: '10.0.0.1,10.0.0.2', config: { projects: ['ALL_ALL'], defaultSSLCert: 'cpaas-system/default' } },
};

/**
 * A realistic mix: 50 namespaces, one Service per Ingress with a named port; every 4th Ingress has TLS on its
 * host, every 3rd carries common annotations (rewrite, timeouts, CORS), every 10th redirects http to https.
 */
function cluster(count: number): TranslateInput {
  const ingresses: Ingress[] = [];
  const services: Service[] = [];
  const namespaces: Namespace[] = [];
  for (let n = 0; n < 50; n++)
    namespaces.push({ metadata: { name: `ns-${n}`, labels: { 'cpaas.io/project': `p${n % 5}` } } });
  for (let i = 0; i < count; i++) {
    const namespace = `ns-${i % 50}`;
    const host = `app-${i}.example.com`;
    const annotations: Record<string, string> = {};
    if (i % 3 === 0) {
      annotations['nginx.ingress.kubernetes.io/rewrite-target'] = '/$2';
      annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] = '120';
      annotations['nginx.ingress.kubernetes.io/enable-cors'] = 'true';
    }
    if (i % 10 === 0) annotations['nginx.ingress.kubernetes.io/ssl-redirect'] = 'true';
    const backend = { service: { name: `svc-${i}`, port: { name: 'http' } } };
    ingresses.push({
      metadata: { name: `ing-${i}`, namespace, creationTimestamp: '2024-01-01T00:00:00Z', annotations },
      spec: {
        ingressClassName: 'alb-bench',
        tls: i % 4 === 0 ? [{ hosts: [host], secretName: `tls-${i}` }] : undefined,
        rules: [
          {
            host,
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend },
                { path: '/api/v1', pathType: 'Exact', backend },
                { path: '/static(/|$)(.*)', pathType: 'ImplementationSpecific', backend },
              ],
            },
          },
        ],
      },
    });
    services.push({ metadata: { name: `svc-${i}`, namespace }, spec: { ports: [{ name: 'http', port: 8080 }] } });
  }
  return { alb, ingresses, services, namespaces };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Heap held by one output: measured in its own frame so no other output is alive around it. */
function heapOfOutput(input: TranslateInput): { heapMb: number; rules: number } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const out = translateIngresses(input);
  gc();
  const heapMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  return { heapMb, rules: out.rules.length };
}

type Row = { ingresses: number; rules: number; medianMs: number; perIngressUs: number; heapMb: number };
const rows: Row[] = [];
for (const [count, runs] of [
  [1_000, 15],
  [10_000, 7],
] as const) {
  const input = cluster(count);
  translateIngresses(input); // warm-up
  const times: number[] = [];
  let rules = 0;
  for (let r = 0; r < runs; r++) {
    gc();
    const start = process.hrtime.bigint();
    const out = translateIngresses(input);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    rules = out.rules.length;
  }
  const { heapMb, rules: keptRules } = heapOfOutput(input);
  if (keptRules !== rules) throw new Error('unstable output');
  const medianMs = median(times);
  rows.push({ ingresses: count, rules, medianMs, perIngressUs: (medianMs * 1000) / count, heapMb });
}

const target = rows.find((r) => r.ingresses === 10_000)!;
const verdict = target.medianMs < 1000 ? '< 1 s: met' : '< 1 s: MISSED';
console.log('Ingress translation (3 paths per Ingress; median of several runs; heap = what the output holds)\n');
console.log('| Ingresses | Rules | median time | per Ingress | output heap | target |');
console.log('| --------: | ----: | ----------: | ----------: | ----------: | ------ |');
for (const r of rows)
  console.log(
    `| ${r.ingresses.toLocaleString('en')} | ${r.rules.toLocaleString('en')} | ${r.medianMs.toFixed(1)} ms | ` +
      `${r.perIngressUs.toFixed(1)} µs | ${r.heapMb.toFixed(1)} MiB | ${r === target ? verdict : ''} |`,
  );
const scaling = target.medianMs / rows[0]!.medianMs;
console.log(`\n10k / 1k time ratio: ${scaling.toFixed(1)} (10 = linear)`);
