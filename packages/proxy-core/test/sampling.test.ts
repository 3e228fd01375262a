import t from 'tap';
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { randomHex, samplingDecision } from '../src/tracing/sampling.ts';

const parent = (traceId: string, sampled: boolean): SpanContext => ({
  traceId,
  spanId: 'b'.repeat(16),
  traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
  isRemote: true,
});

t.test('samplers decide as ALB names them', async (t) => {
  t.equal(samplingDecision({ name: 'always_on' })(null), true);
  t.equal(samplingDecision({ name: 'always_off' })(parent('a'.repeat(32), true)), false);
  const half = samplingDecision({ name: 'trace_id_ratio', fraction: 0.5 });
  t.equal(half(parent(`${'0'.repeat(24)}7fffffff`, false)), true, 'low trace-id bits under the fraction: sampled');
  t.equal(half(parent(`${'0'.repeat(24)}80000000`, true)), false, 'the trace id decides, not the parent flag');
  t.equal(samplingDecision({ name: 'trace_id_ratio', fraction: 0 })(null), false);
  const roots = Array.from({ length: 2000 }, () => half(null)).filter(Boolean).length;
  t.ok(roots > 800 && roots < 1200, `about half of new traces are sampled (${roots} of 2000)`);
  const parentBased = samplingDecision({ name: 'parent_base', root: { name: 'always_off' } });
  t.equal(parentBased(parent('a'.repeat(32), true)), true);
  t.equal(parentBased(parent('a'.repeat(32), false)), false);
  t.equal(parentBased(null), false, 'the root sampler decides without a parent');
});

t.test('random ids are W3C-shaped and distinct', async (t) => {
  const ids = new Set(Array.from({ length: 5000 }, () => randomHex(8)));
  t.equal(ids.size, 5000);
  t.ok(
    [...ids].every((id) => /^[0-9a-f]{16}$/.test(id)),
    '16 hex digits each',
  );
  t.match(randomHex(16), /^[0-9a-f]{32}$/);
});
