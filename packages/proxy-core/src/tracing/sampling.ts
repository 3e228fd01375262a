import { randomFillSync } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import type { TracingSampler } from '../config.ts';

/** Whether a request is sampled, given the incoming (trusted) span context or null. */
export type SamplingDecision = (parent: SpanContext | null) => boolean;

/**
 * ALB's samplers, decided before the SDK is called, so an unsampled request never builds SDK spans (its
 * `traceparent` is made here). `trace_id_ratio` decides on the trace id when one came in (the same answer on every
 * instance that sees the trace) and at random for a new trace; `parent_base` follows the parent's sampled flag.
 */
export function samplingDecision(sampler: TracingSampler): SamplingDecision {
  switch (sampler.name) {
    case 'always_on':
      return () => true;
    case 'always_off':
      return () => false;
    case 'trace_id_ratio': {
      const fraction = sampler.fraction;
      return (parent) => (parent === null ? Math.random() : traceIdFraction(parent.traceId)) < fraction;
    }
    case 'parent_base': {
      const root = samplingDecision(sampler.root);
      return (parent) => (parent === null ? root(null) : (parent.traceFlags & 1) === 1);
    }
  }
}

/** The low 32 bits of a trace id as a fraction of 2^32. */
function traceIdFraction(traceId: string): number {
  return parseInt(traceId.slice(-8), 16) / 0x1_0000_0000;
}

const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

/** `bytes` random bytes as lower-case hex, never all zeros (an invalid W3C id); from a refilled random pool. */
export function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    if (!/^0+$/.test(hex)) return hex;
  }
}
