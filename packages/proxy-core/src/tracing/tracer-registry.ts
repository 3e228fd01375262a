import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { DataPlaneConfig, TracingConfig, TracingSampler } from '../config.ts';

type Entry = { provider: BasicTracerProvider; tracer: Tracer };

/**
 * One tracer provider (exporter, batch processor, sampler, resource) per distinct tracing setting, shared by the
 * routes that use it and kept across config swaps while it is used; providers nobody uses any more are shut down
 * (flushing what they hold) at the next apply.
 */
const providers = new Map<string, Entry>();

export function tracerFor(config: TracingConfig): Tracer {
  const key = providerKey(config);
  let entry = providers.get(key);
  if (entry === undefined) {
    entry = createProvider(config);
    providers.set(key, entry);
  }
  return entry.tracer;
}

/** Shuts down the providers of settings no route uses now; `used` are the keys of this apply. */
export function releaseUnusedTracers(used: ReadonlySet<string>): void {
  for (const [key, entry] of providers) {
    if (used.has(key)) continue;
    providers.delete(key);
    void entry.provider.shutdown().catch(() => undefined);
  }
}

/** Sends what every provider holds (engine close); bounded by the export timeout. */
export async function flushTracers(): Promise<void> {
  await Promise.all([...providers.values()].map((e) => e.provider.forceFlush().catch(() => undefined)));
}

/** The provider keys a config uses. */
export function tracingKeys(config: DataPlaneConfig): Set<string> {
  const keys = new Set<string>();
  for (const listener of config.listeners) {
    for (const route of [...listener.rules, listener.defaultBackend]) {
      if (route?.tracing) keys.add(providerKey(route.tracing));
    }
  }
  return keys;
}

export function providerKey(config: TracingConfig): string {
  return JSON.stringify([
    config.collector,
    config.sampler,
    config.resource ?? null,
    config.maxQueueSize ?? null,
    config.exportDelayMs ?? null,
    config.exportTimeoutMs ?? null,
  ]);
}

/** The OTLP/HTTP traces URL of a collector address (`/v1/traces` when the address has no path). */
export function tracesUrl(collector: string): string {
  const url = new URL(collector);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.toString();
}

function createProvider(config: TracingConfig): Entry {
  const maxQueueSize = config.maxQueueSize ?? 2048;
  const spanProcessors =
    config.collector === null
      ? []
      : [
          new BatchSpanProcessor(
            new OTLPTraceExporter({ url: tracesUrl(config.collector), timeoutMillis: config.exportTimeoutMs ?? 3000 }),
            {
              maxQueueSize,
              maxExportBatchSize: Math.min(512, maxQueueSize),
              scheduledDelayMillis: config.exportDelayMs ?? 2000,
              exportTimeoutMillis: config.exportTimeoutMs ?? 3000,
            },
          ),
        ];
  const provider = new BasicTracerProvider({
    sampler: samplerOf(config.sampler),
    resource: resourceFromAttributes({ 'service.name': 'alb', ...config.resource }),
    spanProcessors,
  });
  return { provider, tracer: provider.getTracer('alb-proxy-core') };
}

function samplerOf(sampler: TracingSampler): Sampler {
  switch (sampler.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'trace_id_ratio':
      return new TraceIdRatioBasedSampler(sampler.fraction);
    case 'parent_base':
      return new ParentBasedSampler({ root: samplerOf(sampler.root) });
  }
}
